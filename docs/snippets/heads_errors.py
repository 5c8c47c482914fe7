import numpy as np

from keras_walk import heads

# The table: loss type -> units, activation, loss.
for name, spec in heads.HEADS.items():
    units = heads.output_units(name, 2 if name == "binary" else 3)
    print(f"{name:18} units={units} activation={spec.activation:8} loss={spec.loss().name}")

# Labels are checked against the head before training; each wrong pairing says what to do.
wrong_pairings = {
    "one-hot labels to the sparse head": (np.eye(3)[[0, 1, 2]], "multiclass", 3),
    "multi-hot rows to a multiclass head": (np.array([[1, 0, 1], [0, 1, 0]]), "multiclass", 3),
    "integer labels to the one-hot head": (np.array([0, 1, 2]), "multiclass_onehot", 3),
    "a label outside [0, num_classes)": (np.array([0, 1, 3]), "multiclass", 3),
    "multi-hot rows to the one-hot head": (np.array([[1, 1, 0]]), "multiclass_onehot", 3),
    "regression targets to a binary head": (np.array([0.2, 1.7]), "binary", 2),
    "log prices to a multiclass head": (np.array([12.1, 11.8]), "multiclass", 3),
    "string labels": (np.array(["cat", "dog"]), "multiclass", 2),
}
for what, (labels, head, num_classes) in wrong_pairings.items():
    try:
        heads.check_labels(labels, head, num_classes)
    except heads.LabelError as error:
        print(f"{what}:\n    {error}")

try:
    heads.output_units("multiclass", 1)
except ValueError as error:
    print(f"softmax with one class:\n    {error}")
