import keras_walk as kw


def test_public_api_is_pinned():
    assert kw.__all__ == [
        "__version__", "adversarial", "baselines", "data", "distribute", "explain", "feature_networks", "harness", "heads", "layers", "losses",
        "metrics", "plots", "tasks", "training", "uncertainty",
    ]  # fmt: skip
    assert kw.uncertainty.__all__ == ["predict_with_uncertainty"]
    assert kw.adversarial.__all__ == ["accuracy_under_attack", "adversarial_fit", "fgsm"]
    assert kw.explain.__all__ == [
        "feature_map_layer", "first_layer_filters", "grad_cam", "layer_activations",
    ]  # fmt: skip
    assert kw.feature_networks.__all__ == ["ImageFeatures", "SampleQuality", "image_features"]
    assert kw.metrics.__all__ == [
        "BinaryDice", "ContrastiveAccuracy", "MeanDice", "caption_metrics",
        "class_accuracy", "class_iou", "frechet_distance", "kernel_distance",
        "mean_average_precision", "memorization", "retrieval_metrics", "retrieval_ranks", "segmentation_metrics",
    ]  # fmt: skip
    assert kw.tasks.__all__ == [
        "BUILDERS", "ContrastivePretrainer", "DiffusionModel", "Distiller", "DualEncoder",
        "Embedder", "GAN", "ImageAutoencoder", "ImageCaptioner", "ImageGenerator",
        "ImageSegmenter", "LanguageModel", "ObjectDetector", "SEQUENCE_ENCODERS",
        "SearchResults", "SequenceGenerator", "SupervisedTask", "Task",
        "autoencoder", "average_ensemble", "backbone_of", "backbones", "binary_classifier",
        "builder_table", "choose_text_encoder", "contrastive_pretrainer", "diffusion_model",
        "distiller", "dual_encoder", "efficientnet_lite0", "encoder_unet", "fine_tune", "gan",
        "image_captioner", "image_classifier", "image_segmenter", "language_model", "linear_probe", "make_optimizer",
        "multiclass_classifier", "multilabel_classifier", "object_detector", "regressor", "sequence_classifier",
        "tabular_model", "text_classifier", "timeseries_forecaster", "token_lengths", "transfer", "unet", "vae",
    ]  # fmt: skip
    assert kw.heads.__all__ == [
        "HEADS", "HeadSpec", "LabelError", "check_labels", "check_head", "chosen_head", "compile_args",
        "default_head", "dense_head", "get_head", "output_units", "predicted_labels",
    ]  # fmt: skip
    assert kw.data.__all__ == [
        "AUGMENTATIONS", "MISSING", "Arrays", "Corpus", "DataInfo", "DataError",
        "DatasetUnavailableError", "Registry", "ForecastSplit", "LabelError", "ForecastWindows", "Table",
        "TabularFeatures", "Vocabulary", "catalog", "catalog_table", "check_features", "check_image_files",
        "check_image_shape", "check_texts", "corpus_info", "data_info", "data_root", "dataset_info",
        "encode_labels", "forecasting_windows", "from_directory", "from_tfds",
        "image_augmentation", "labelled_subset", "list_corpora", "list_datasets", "list_pretrained", "list_tables",
        "load", "load_corpus", "load_series", "load_table", "multi_hot", "network_available",
        "next_token_windows", "pipeline", "pretrained_info", "pretrained_preset",
        "split_validation", "table_info", "to_tfds",
    ]  # fmt: skip
    assert kw.distribute.__all__ == [
        "CPU_BFLOAT16_FAMILIES", "MODEL_FAMILIES", "STRATEGIES", "cluster_config", "cpu_has_bfloat16", "describe", "global_batch_size", "in_multi_worker_mode",
        "is_chief", "resolve_strategy", "set_mixed_precision", "worker_scratch_dir",
    ]  # fmt: skip
    assert kw.training.__all__ == [
        "BackupAndRestore", "OutputDirInUseError", "class_weights", "default_callbacks",
        "lock_output_dir", "predicted_labels", "task_metrics", "warmup_cosine",
    ]  # fmt: skip
    assert kw.harness.__all__ == [
        "RecipeRun", "machine_info", "recipe_arguments", "summarize_over_seeds", "write_results",
    ]  # fmt: skip
    assert kw.plots.__all__ == [
        "LearningRateFinding", "lr_find", "plot_comparison", "plot_confusion_matrix",
        "plot_curves", "plot_detections", "plot_forecast", "plot_grad_cam", "plot_histograms",
        "plot_histories", "plot_history", "plot_image_grid", "plot_image_predictions",
        "plot_per_label_f1", "plot_predicted_vs_true", "plot_segmentation", "plot_top_losses",
        "plt", "show_batch",
    ]  # fmt: skip
    assert kw.baselines.__all__ == [
        "Baseline", "common_sense", "linear", "majority", "mean", "median", "nearest_neighbor",
        "ngram_bits_per_token", "tfidf_logistic",
    ]  # fmt: skip
    assert kw.layers.__all__ == [
        "SEQUENCE_ENCODERS", "BertVocabularyTokenizer", "ContrastiveLogits",
        "FusedBatchNormalization", "ImputedNormalization", "MissingStringLookup",
        "SinusoidalEmbedding", "TrimPadding", "conv_block", "encode_sequence", "leaf_layers",
        "noise_unet", "residual_block",
    ]  # fmt: skip
    assert kw.losses.__all__ == [
        "SEGMENTATION_LOSSES", "ContrastiveLoss", "DetectionLoss", "SegmentationLoss",
        "check_contrastive_batch", "grid_targets",
    ]  # fmt: skip
    modules = (
        kw.adversarial, kw.baselines, kw.data, kw.distribute, kw.explain, kw.feature_networks, kw.harness, kw.heads, kw.layers, kw.losses, kw.metrics,
        kw.plots, kw.tasks, kw.training, kw.uncertainty,
    )  # fmt: skip
    for module in modules:
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_names_that_moved_say_where_they_went():
    import pytest

    with pytest.raises(AttributeError, match=r"`keras_walk.training.RecipeRun` is now "
                                             r"`keras_walk.harness.RecipeRun`"):  # fmt: skip
        getattr(kw.training, "RecipeRun")  # noqa: B009
    with pytest.raises(AttributeError, match="is now `keras_walk.plots.plot_history`"):
        getattr(kw.training, "plot_history")  # noqa: B009
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        getattr(kw.training, "nothing")  # noqa: B009
