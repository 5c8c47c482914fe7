import keras_walk as kw


def test_public_api_is_pinned():
    assert kw.__all__ == [
        "__version__",
        "data",
        "distribute",
        "heads",
        "layers",
        "tasks",
        "training",
    ]
    assert kw.tasks.__all__ == ["backbones", "image_classifier"]
    assert kw.heads.__all__ == [
        "HEADS", "HeadSpec", "LabelError", "check_labels", "compile_args", "dense_head",
        "get_head", "output_units",
    ]  # fmt: skip
    assert kw.data.__all__ == [
        "AUGMENTATIONS", "Arrays", "DataError", "DatasetInfo", "DatasetUnavailableError",
        "check_features", "check_image_shape", "dataset_info", "from_directory", "from_tfds",
        "image_augmentation", "list_datasets", "load", "network_available", "pipeline",
        "to_tfds",
    ]  # fmt: skip
    assert kw.distribute.__all__ == [
        "STRATEGIES", "describe", "global_batch_size", "resolve_strategy", "set_mixed_precision",
    ]  # fmt: skip
    assert kw.training.__all__ == [
        "default_callbacks", "machine_info", "plot_confusion_matrix", "plot_history",
        "plot_image_predictions", "write_results",
    ]  # fmt: skip
    for module in (kw.data, kw.distribute, kw.heads, kw.layers, kw.tasks, kw.training):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
