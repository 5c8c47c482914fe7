# The README's two commands are `make demo` and `make test`; both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FASHION := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup system-data demo test lint bench docs docs-serve publish-results clean

setup: system-data $(STAMP)

# Real Fashion-MNIST from Debian's archive: the flagship recipe's data, offline.
system-data:
	@if [ ! -f $(FASHION) ]; then \
	  echo "Installing Debian's dataset-fashion-mnist package"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq dataset-fashion-mnist; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,docs]"
	touch $(STAMP)

demo: setup
	$(BIN)/python recipes/vision/image_classification.py

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python benchmarks/mnist_convnet.py --output runs/benchmarks/mnist_convnet.json

docs: setup
	$(BIN)/mkdocs build --strict

docs-serve: setup
	$(BIN)/mkdocs serve

# After a full `make demo`: copy its measured results and plots to the recipe's docs page.
publish-results:
	mkdir -p docs/recipes/results/image_classification
	cp runs/image_classification/results.json runs/image_classification/*.png \
	  docs/recipes/results/image_classification/
	if [ -f runs/benchmarks/mnist_convnet.json ]; then cp runs/benchmarks/mnist_convnet.json \
	  docs/recipes/results/image_classification/benchmark.json; fi

clean:
	rm -rf $(VENV) site runs .pytest_cache
