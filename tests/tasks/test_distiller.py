"""Knowledge distillation (keras_walk/tasks/distiller.py)."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.tasks.backbones import basic_convnet


def _small(filters, name, seed=0):
    keras.utils.set_random_seed(seed)
    return kw.tasks.image_classifier(
        (28, 28, 1), 10, backbone=lambda shape: basic_convnet(shape, filters), name=name,
        learning_rate=3e-3,
    )  # fmt: skip


@pytest.fixture(scope="module")
def teacher_and_data():
    train, test = kw.data.load("fashion_mnist", splits=("train[:3000]", "test[:500]"))
    teacher = _small((16, 32), "teacher")
    teacher.fit(train.x, train.y, batch_size=64, epochs=4, verbose=0)
    return teacher, train, test


def test_loss_is_the_label_loss_when_student_and_teacher_agree():
    teacher = _small((4, 8), "same")
    model = kw.tasks.distiller(teacher, teacher, temperature=3.0, alpha=0.25)
    x = np.random.default_rng(0).integers(0, 255, (6, 28, 28, 1)).astype("float32")
    y = np.array([0, 1, 2, 3, 4, 5])
    predictions = teacher(x)
    loss = float(model.compute_loss(x, y, predictions))
    hard = float(np.mean(keras.losses.sparse_categorical_crossentropy(y, predictions)))
    assert loss == pytest.approx(0.25 * hard, rel=1e-4)  # KL(teacher || itself) = 0


def _kl(p, q):
    return float(np.mean(np.sum(p * (np.log(p + 1e-7) - np.log(q + 1e-7)), axis=-1)))


def test_the_student_moves_towards_the_teacher_and_only_it_trains(teacher_and_data, tmp_path):
    teacher, train, test = teacher_and_data
    teacher_weights = [w.copy() for w in teacher.get_weights()]
    student = _small((4, 8), "student", seed=1)
    assert student.count_params() < teacher.count_params() / 4
    taught = teacher.predict(test.x, verbose=0)
    before = _kl(taught, student.predict(test.x, verbose=0))
    model = kw.tasks.distiller(teacher, student, alpha=0.0)  # the teacher's answers only
    history = model.fit(train.x, train.y, batch_size=64, epochs=2, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert _kl(taught, student.predict(test.x, verbose=0)) < 0.75 * before
    for a, b in zip(teacher_weights, teacher.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # only the student trains
    model.save(tmp_path / "distiller.keras")
    reloaded = keras.models.load_model(tmp_path / "distiller.keras")
    assert type(reloaded) is kw.tasks.Distiller and reloaded.alpha == 0.0
    np.testing.assert_allclose(
        reloaded.predict(test.x[:16], verbose=0), student.predict(test.x[:16], verbose=0), atol=1e-5
    )
    steps = int(reloaded.optimizer.iterations)
    reloaded.fit(train.x[:256], train.y[:256], batch_size=128, epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) == steps + 2


def test_with_alpha_one_distillation_is_ordinary_training(teacher_and_data):
    teacher, train, test = teacher_and_data
    alone = _small((4, 8), "alone", seed=1)
    alone.fit(train.x[:1000], train.y[:1000], batch_size=64, epochs=1, verbose=0)
    student = _small((4, 8), "student", seed=1)
    model = kw.tasks.distiller(teacher, student, alpha=1.0)
    model.fit(train.x[:1000], train.y[:1000], batch_size=64, epochs=1, verbose=0)
    np.testing.assert_allclose(
        student.predict(test.x, verbose=0), alone.predict(test.x, verbose=0), atol=1e-4
    )


def test_mismatched_models_and_bad_labels_are_refused(teacher_and_data):
    teacher, train, _ = teacher_and_data
    three = kw.tasks.image_classifier((28, 28, 1), 3)
    with pytest.raises(ValueError, match="same classes"):
        kw.tasks.distiller(teacher, three)
    with pytest.raises(ValueError, match="same inputs"):
        kw.tasks.distiller(teacher, kw.tasks.image_classifier((32, 32, 1), 10))
    with pytest.raises(ValueError, match="`temperature` \\(> 0\\) and `alpha`"):
        kw.tasks.distiller(teacher, _small((4, 8), "s"), temperature=0)
    model = kw.tasks.distiller(teacher, _small((4, 8), "s2"))
    with pytest.raises(kw.heads.LabelError):
        model.fit(train.x[:8], np.full(8, 10), verbose=0)
