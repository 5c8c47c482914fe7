# The README's two commands are `make demo` and `make test`; both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FASHION := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup system-data demo test lint bench tabular docs docs-serve publish-results clean

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

TABULAR := breast_cancer penguins ames_house_prices movie_genres

# The four tabular recipes in full, one after the other (about 2.5 min in all).
tabular: setup
	for recipe in $(TABULAR); do $(BIN)/python recipes/tabular/$$recipe.py || exit 1; done

# After full runs (`make demo`, `make tabular`): copy their measured results and plots to
# the recipes' docs pages. Results of --smoke runs are never published.
publish-results:
	for recipe in image_classification text_classification signal_classification \
	    weather_forecasting $(TABULAR); do \
	  if grep -qs '"smoke": false' runs/$$recipe/results.json; then \
	    mkdir -p docs/recipes/results/$$recipe && \
	    cp runs/$$recipe/results.json runs/$$recipe/*.png docs/recipes/results/$$recipe/; fi; \
	done
	if [ -f runs/benchmarks/mnist_convnet.json ]; then cp runs/benchmarks/mnist_convnet.json \
	  docs/recipes/results/image_classification/benchmark.json; fi

clean:
	rm -rf $(VENV) site runs .pytest_cache
