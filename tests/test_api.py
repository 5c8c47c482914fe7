import keras_walk as kw


def test_public_api_is_pinned():
    assert kw.__all__ == [
        "__version__",
        "baselines",
        "data",
        "distribute",
        "heads",
        "layers",
        "tasks",
        "training",
    ]
    assert kw.tasks.__all__ == [
        "LanguageModel", "average_ensemble", "backbones", "binary_classifier", "choose_text_encoder",
        "image_classifier", "language_model", "multiclass_classifier", "multilabel_classifier", "regressor",
        "sequence_classifier", "tabular_model", "text_classifier", "timeseries_forecaster",
        "token_lengths",
    ]  # fmt: skip
    assert kw.heads.__all__ == [
        "HEADS", "HeadSpec", "LabelError", "check_labels", "compile_args", "dense_head",
        "get_head", "output_units", "regression_head",
    ]  # fmt: skip
    assert kw.data.__all__ == [
        "AUGMENTATIONS", "MISSING", "Arrays", "Corpus", "CorpusInfo", "DataError", "DatasetInfo",
        "DatasetUnavailableError", "ForecastSplit", "ForecastWindows", "PretrainedInfo", "Table", "TableInfo", "TabularFeatures", "Vocabulary",
        "check_features", "check_image_shape", "check_texts", "corpus_info", "data_root", "dataset_info", "encode_labels", "forecasting_windows", "from_directory", "from_tfds",
        "image_augmentation", "list_corpora", "list_datasets", "list_pretrained", "list_tables", "load", "load_corpus",
        "load_series", "load_table", "multi_hot", "network_available", "next_token_windows", "pipeline", "pretrained_info", "pretrained_preset", "split_validation", "table_info",
        "to_tfds",
    ]  # fmt: skip
    assert kw.distribute.__all__ == [
        "STRATEGIES", "describe", "global_batch_size", "resolve_strategy", "set_mixed_precision",
    ]  # fmt: skip
    assert kw.training.__all__ == [
        "OutputDirInUseError", "class_weights", "default_callbacks", "lock_output_dir",
        "machine_info", "plot_comparison",
        "plot_confusion_matrix", "plot_forecast", "plot_histories", "plot_history", "plot_image_predictions", "plot_per_label_f1", "plot_predicted_vs_true",
        "predicted_labels", "recipe_arguments", "task_metrics", "write_results",
    ]  # fmt: skip
    assert kw.baselines.__all__ == [
        "Baseline", "common_sense", "linear", "majority", "mean", "median", "nearest_neighbor",
        "ngram_bits_per_token", "tfidf_logistic",
    ]  # fmt: skip
    assert kw.layers.__all__ == [
        "BertVocabularyTokenizer", "ImputedNormalization", "TrimPadding", "conv_block",
        "residual_block",
    ]  # fmt: skip
    modules = (kw.baselines, kw.data, kw.distribute, kw.heads, kw.layers, kw.tasks, kw.training)
    for module in modules:
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
