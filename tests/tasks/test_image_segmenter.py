"""U-Net segmentation (keras_walk/tasks/image_segmenter.py), its losses and metrics, on
real emoji pasted over real photographs and on composed Fashion-MNIST scenes."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.heads import LabelError
from keras_walk.losses import SegmentationLoss
from keras_walk.metrics import BinaryDice, MeanDice
from keras_walk.tasks import backbone_of, fine_tune


@pytest.fixture(scope="module")
def cutouts():
    return kw.data.load("emoji_cutouts", splits=("train[:1024]", "test[:512]"))


@pytest.mark.slow
def test_learns_emoji_silhouettes_it_never_saw_on_real_photographs(cutouts):
    train, test = cutouts
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_segmenter(
        (64, 64, 3), 2, filters=(16, 32, 64), loss="dice+crossentropy", learning_rate=3e-3
    )
    assert model.head == "binary" and model.output_shape == (None, 64, 64, 1)
    train_ds = kw.data.pipeline(train, 64, shuffle=True, augment="flip", masks=True, seed=0)
    history = model.fit(train_ds, epochs=4, verbose=0).history
    assert history["loss"][-1] < 0.7 * history["loss"][0], history["loss"]
    scores = model.evaluate(test.x, test.y, batch_size=128, verbose=0, return_dict=True)
    # Held-out emoji on held-out parts of the photographs. Calling every pixel emoji scores
    # the share of emoji pixels as IoU (about 0.29), every pixel background 0.
    everything = float(np.mean(test.y))
    assert scores["iou"] > max(0.45, everything + 0.1), (scores, everything)
    assert scores["dice"] > scores["iou"]  # Dice = 2 IoU / (1 + IoU) > IoU when IoU < 1
    masks = model.predict_masks(test.x[:8])
    assert masks.shape == (8, 64, 64) and set(np.unique(masks)) <= {0, 1}
    model.class_names = ("background", "emoji")
    names = model.predict_labels(test.x[:8])
    assert names.shape == (8, 64, 64)
    np.testing.assert_array_equal(names == "emoji", masks == 1)


@pytest.mark.slow
def test_multiclass_scenes_beat_the_all_background_baseline():
    train, test = kw.data.load("fashion_scene_masks", splits=("train[:1536]", "test[:500]"))
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_segmenter((56, 56, 1), 11, filters=(16, 32, 64), learning_rate=3e-3)
    assert model.head == "multiclass" and model.output_shape == (None, 56, 56, 11)
    model.fit(train.x, train.y, batch_size=64, epochs=3, verbose=0)
    scores = model.evaluate(test.x, test.y, verbose=0, return_dict=True)
    baseline = keras.metrics.MeanIoU(11)
    baseline.update_state(test.y, np.zeros_like(test.y))
    assert scores["mean_iou"] > float(baseline.result()) + 0.2, scores
    assert scores["accuracy"] > float(np.mean(test.y == 0)), scores


def test_dice_loss_round_trips_with_its_compile_state(tmp_path):
    x = np.random.default_rng(0).integers(0, 255, (8, 16, 16, 3)).astype("uint8")
    y = (x[..., 0] > 127).astype("uint8")
    model = kw.tasks.image_segmenter((16, 16, 3), 2, filters=(4, 8), loss="dice")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "segmenter.keras")
    reloaded = keras.models.load_model(tmp_path / "segmenter.keras")
    assert type(reloaded) is kw.tasks.ImageSegmenter
    assert reloaded.segmentation_loss == "dice" and isinstance(reloaded.loss, SegmentationLoss)
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5
    )
    np.testing.assert_array_equal(reloaded.predict_masks(x), model.predict_masks(x))
    assert int(reloaded.optimizer.iterations) == 2
    reloaded.compile()  # "auto" again, e.g. after freezing layers: the same loss and metrics
    assert isinstance(reloaded.loss, SegmentationLoss)
    reloaded.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert {"loss", "accuracy", "iou", "dice"} <= set(reloaded.get_metrics_result())


def test_masks_that_do_not_fit_fail_before_a_step():
    x = np.zeros((4, 16, 16, 1), "uint8")
    model = kw.tasks.image_segmenter((16, 16, 1), 3, filters=(4, 8))
    with pytest.raises(
        LabelError, match=r"shape \(n, 16, 16\).*Received: masks of shape \(4, 8, 8\)"
    ):
        model.fit(x, np.zeros((4, 8, 8), "uint8"), verbose=0)
    with pytest.raises(LabelError, match=r"\[0, 3\)"):
        model.fit(x, np.full((4, 16, 16), 3, "uint8"), verbose=0)
    with pytest.raises(ValueError, match="height and width must be divisible by 4"):
        kw.tasks.unet((18, 18, 1), filters=(4, 8, 16))
    with pytest.raises(ValueError, match="Expected one of \\['binary', 'multiclass'\\]"):
        kw.tasks.image_segmenter((16, 16, 1), 3, head="multilabel")
    with pytest.raises(ValueError, match="Expected one of \\['crossentropy', 'dice'"):
        kw.tasks.image_segmenter((16, 16, 1), 3, loss="jaccard")
    assert int(model.optimizer.iterations) == 0


def test_dice_metrics_and_loss_match_a_hand_computed_case():
    masks = np.array([[[0, 1, 1], [2, 2, 0]]])  # one image, 2x3 pixels, 3 classes
    predicted = np.array([[[0, 1, 0], [2, 1, 0]]])
    scores = np.eye(3, dtype="float32")[predicted]
    # Per class: 2TP / (true + predicted pixels): 0: 2*2/(2+3), 1: 2*1/(2+2), 2: 2*1/(2+1).
    expected = np.mean([4 / 5, 2 / 4, 2 / 3])
    dice = MeanDice(3)
    dice.update_state(masks, scores)
    assert float(dice.result()) == pytest.approx(expected, abs=1e-6)
    loss = SegmentationLoss("dice", "multiclass", 3)(masks, scores)
    assert float(loss) == pytest.approx(1 - expected, abs=1e-5)
    binary = BinaryDice()
    binary.update_state(masks == 1, (predicted == 1)[..., None].astype("float32"))
    assert float(binary.result()) == pytest.approx(2 * 1 / (2 + 2))


def test_class_iou_matches_a_hand_computed_case_and_keras_mean_iou():
    masks = np.array([[[0, 1, 1], [2, 2, 0]]])
    predicted = np.array([[[0, 1, 0], [2, 1, 0]]])
    # Per class: intersection / union: 0: 2/3, 1: 1/3, 2: 1/2; class 3 is in neither.
    ious = kw.metrics.class_iou(masks, predicted, 4)
    np.testing.assert_allclose(ious[:3], [2 / 3, 1 / 3, 1 / 2])
    assert np.isnan(ious[3])
    mean_iou = keras.metrics.MeanIoU(3)
    mean_iou.update_state(masks, predicted)
    assert np.nanmean(ious) == pytest.approx(float(mean_iou.result()), abs=1e-6)


def test_test_time_flip_averages_both_ways_and_refuses_what_it_cannot_mirror():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (6, 16, 16, 3)).astype("uint8")
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_segmenter((16, 16, 3), 3, filters=(4, 8))
    scores = model.predict(images, verbose=0)
    mirrored = model.predict(images[:, :, ::-1], verbose=0)[:, :, ::-1]
    flipped = model.predict_masks(images, test_time_flip=True)
    np.testing.assert_array_equal(flipped, ((scores + mirrored) / 2).argmax(-1))
    assert (flipped != model.predict_masks(images)).any()  # an untrained net is not symmetric
    # Averaged over both ways, the answer mirrors exactly with the picture.
    np.testing.assert_array_equal(
        model.predict_masks(images[:, :, ::-1], test_time_flip=True), flipped[:, :, ::-1]
    )
    with pytest.raises(ValueError, match=r"must be an array .* Received: shape \(16, 16, 3\)"):
        model.predict_masks(images[0], test_time_flip=True)
    dataset = kw.data.pipeline(images, 2)
    with pytest.raises(ValueError, match="Received: _PrefetchDataset|Received: .*Dataset"):
        model.predict_masks(dataset, test_time_flip=True)


def test_sides_the_unet_cannot_halve_are_padded_inside_and_masks_stay_aligned(tmp_path):
    # Each pixel's class is whether it is bright: learnable pixel by pixel, so a crop that
    # shifted the output by one pixel against the image would show as ~50% accuracy.
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (96, 25, 35, 1), dtype="uint8")
    masks = (images[..., 0] > 127).astype("uint8")
    model = kw.tasks.image_segmenter((25, 35, 1), 2, filters=(8, 16, 16), learning_rate=1e-2)
    assert model.output_shape == (None, 25, 35, 1)
    assert model.get_layer("pad_to_multiple").padding == ((1, 2), (0, 1))  # to 28 x 36
    model.fit(images, masks, batch_size=16, epochs=6, verbose=0)
    predicted = model.predict_masks(images[:32])
    assert predicted.shape == (32, 25, 35)
    assert np.mean(predicted == masks[:32]) > 0.9
    model.save(tmp_path / "odd.keras")
    reloaded = keras.models.load_model(tmp_path / "odd.keras")
    np.testing.assert_array_equal(reloaded.predict_masks(images[:4]), predicted[:4])


def test_an_imagenet_encoder_unet_decodes_each_resolution_and_round_trips(tmp_path):
    model = kw.tasks.image_segmenter((64, 64, 3), 2, backbone="efficientnet_lite0")
    assert model.output_shape == (None, 64, 64, 1)
    encoder = backbone_of(model)  # the ImageNet encoder, nested; the decoder is the model's
    assert encoder.name == "efficientnet_lite0" and len(encoder.outputs) == 6
    skips = [layer for layer in model.layers if layer.name.endswith("_skip")]
    # 64 -> 32 -> 16 -> 8 -> 4 -> 2: five resolutions above the deepest, decoded 16..256 wide.
    assert [tuple(layer.output.shape[1:]) for layer in skips] == [
        (4, 4, 256 + 672), (8, 8, 128 + 240), (16, 16, 64 + 144), (32, 32, 32 + 96),
        (64, 64, 16 + 3),
    ]  # fmt: skip
    imagenet = kw.tasks.efficientnet_lite0((64, 64, 3))
    np.testing.assert_array_equal(
        encoder.get_layer("stem_conv").get_weights()[0],
        imagenet.get_layer("stem_conv").get_weights()[0],
    )
    images = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype="uint8")
    model.save(tmp_path / "segmenter.keras")
    reloaded = keras.models.load_model(tmp_path / "segmenter.keras")
    np.testing.assert_allclose(
        reloaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-5
    )


def test_encoders_a_unet_cannot_decode_and_wrong_decoder_widths_are_refused():
    images = keras.Input((32, 32, 3))
    jumps = keras.Model(images, keras.layers.Conv2D(8, 3, strides=4, padding="same")(images))
    with pytest.raises(ValueError, match="halve in size one step at a time"):
        kw.tasks.image_segmenter((32, 32, 3), 2, backbone=jumps)
    with pytest.raises(ValueError, match="has 2 resolutions to decode, so give 2 positive widths"):
        kw.tasks.image_segmenter((32, 32, 3), 2, backbone="basic_convnet", filters=(8, 16, 32))


def test_fine_tune_freezes_the_encoder_arm_while_the_decoder_learns():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 16, 16, 1), dtype="uint8")
    masks = (images[..., 0] > 127).astype("uint8")
    model = kw.tasks.image_segmenter((16, 16, 1), 2, filters=(4, 8), learning_rate=1e-2)
    encoder = backbone_of(model)
    assert encoder.name == "unet_encoder" and model.get_layer("up1_transpose") is not None
    decoder = model.get_layer("up1_transpose")
    encoder_before, decoder_before = encoder.get_weights(), decoder.get_weights()
    fine_tune(model, images, masks, head_epochs=1, fine_tune_epochs=0, verbose=0)
    for before, after in zip(encoder_before, encoder.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)  # frozen, batch statistics included
    assert not np.allclose(decoder_before[0], decoder.get_weights()[0])  # the decoder learnt
    fine_tune(model, images, masks, head_epochs=0, fine_tune_epochs=1, verbose=0)
    assert not np.allclose(encoder_before[0], encoder.get_weights()[0])  # then everything
