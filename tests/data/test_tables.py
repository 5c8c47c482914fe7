import numpy as np
import pytest

import keras_walk as kw


@pytest.mark.parametrize(
    ("name", "rows", "columns"),
    [
        ("breast_cancer", 569, 31),
        ("penguins", 344, 8),
        ("ames", 2930, 74),
        ("movielens_genres", 2245, 675),
    ],
)
def test_tables_load_offline_with_a_fixed_split(name, rows, columns):
    table = kw.data.load_table(name)
    assert len(table.train) + len(table.test) == rows
    assert table.train.shape[1] == columns and table.info.target in table.train.columns
    assert abs(len(table.test) - 0.2 * rows) <= 1
    again = kw.data.load_table(name)
    assert table.test.equals(again.test)  # the same test rows every time


def test_classification_splits_are_stratified():
    table = kw.data.load_table("penguins")
    train_share = table.train["species"].value_counts(normalize=True)
    test_share = table.test["species"].value_counts(normalize=True)
    assert np.allclose(train_share.sort_index(), test_share.sort_index(), atol=0.02)


def test_penguins_keep_their_holes():
    table = kw.data.load_table("penguins")
    both = [table.train, table.test]
    assert sum(int(frame["sex"].isna().sum()) for frame in both) == 11


def test_unknown_table_and_bad_fraction():
    with pytest.raises(ValueError, match=r"Expected one of \['ames', 'breast_cancer'"):
        kw.data.load_table("titanic")
    with pytest.raises(ValueError, match="Invalid value for argument `test_fraction`"):
        kw.data.load_table("penguins", test_fraction=1.5)


def test_split_validation_keeps_rows_apart():
    table = kw.data.load_table("breast_cancer")
    train, val = kw.data.split_validation(table.train, 0.2, stratify="malignant")
    assert len(train) + len(val) == len(table.train) and abs(len(val) - 91) <= 1
