import keras
import numpy as np
import pytest

from tests.helpers.scripts import load_script, smoke_run


def test_smoke_run_compares_encoders_and_baselines(tmp_path):
    on_disk = smoke_run("recipes/text/text_classification.py", tmp_path)
    assert set(on_disk["compared"]) == {"bag_of_ngrams", "conv1d"}
    assert set(on_disk["baselines"]) == {"majority", "tfidf_logistic"}
    # 6 short epochs on 680 reviews lift the bag of n-grams's AUC well above chance.
    assert on_disk["compared"]["bag_of_ngrams"]["auc"] > 0.7
    for plot in ("test_accuracy.png", "validation_accuracy.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")  # the ensemble, raw strings in
    out = model.predict(np.array(["Delicious, my kids love these!"], dtype=object), verbose=0)
    assert out.shape == (1, 1) and 0.0 <= out[0, 0] <= 1.0


def test_spam_smoke_run(tmp_path):
    results = smoke_run(
        "recipes/text/text_classification.py", tmp_path, "--dataset", "spam_assassin"
    )
    assert results["dataset"] == "spam_assassin"
    # 680 e-mails and 6 short epochs already separate spam from ham well.
    assert results["compared"]["bag_of_ngrams"]["auc"] > 0.9
    assert results["baselines"]["majority"]["accuracy"] < 0.7


@pytest.mark.slow
def test_pretrained_encoder_fine_tunes_one_epoch_with_warmup(tmp_path):
    # The full run's fifth encoder, on 96 reviews: one epoch, the learning rate warmed up
    # from 0 to 5e-5 over the first 10% of steps, then decayed by a cosine to 0.
    import keras_walk as kw

    recipe = load_script("recipes/text/text_classification.py")
    # 64 tokens, not the recipe's 256: what is tested is the schedule, not the reading.
    recipe.ENCODER_OPTIONS["pretrained"] = {
        **recipe.ENCODER_OPTIONS["pretrained"],
        "sequence_length": 64,
    }
    run = kw.harness.RecipeRun(
        ["--output-dir", str(tmp_path), "--seed", "0"], description="test",
        output_dir=str(tmp_path), full=recipe.FULL, smoke=recipe.SMOKE,
    )  # fmt: skip
    config = run.config = {**recipe.FULL, "batch_size": 16}
    table = kw.data.load_table("fine_food_reviews")
    reviews, labels = table.train["review"].to_numpy(object), table.train["great"].to_numpy()
    train, val = (reviews[:96], labels[:96]), (reviews[96:128], labels[96:128])
    model, history = recipe.train_encoder("pretrained", run, train, val, ["other", "great"])
    assert len(history["loss"]) == 1 and history["val_loss"][0] > 0
    schedule = recipe.fine_tuning_schedule(config, len(train[0]))  # 6 steps, 1 of warm-up
    rates = [float(schedule(step)) for step in range(7)]
    assert rates[0] == 0 and rates[1] == np.float32(5e-5) and rates[-1] < 1e-9
    assert all(a >= b for a, b in zip(rates[1:], rates[2:], strict=False))
    assert int(model.optimizer.iterations) == 6
