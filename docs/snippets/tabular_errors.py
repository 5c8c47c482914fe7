import numpy as np
import pandas as pd

import keras_walk as kw

train = pd.DataFrame({"area": [50.0, 80.0, 120.0], "city": ["Ames", "Boone", "Ames"]})
features = kw.data.TabularFeatures(numeric=["area"], categorical=["city"], unseen="error")
features.adapt(train)

bad_tables = {
    "a column missing at predict time": train.drop(columns=["city"]),
    "an extra column": train.assign(price=1.0),
    "NaN where no imputation was asked for": train.assign(area=[50.0, np.nan, 120.0]),
    "a city never seen in training (unseen='error')": train.assign(city="Nevada"),
}
for what, table in bad_tables.items():
    try:
        features.rows(table)
    except kw.data.DataError as error:
        print(f"{what}:\n    {error}")

try:
    kw.data.encode_labels(["cheap", "dear", "pricey"], class_names=["cheap", "dear"])
except kw.heads.LabelError as error:
    print(f"a string label not declared:\n    {error}")
