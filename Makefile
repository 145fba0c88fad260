# Roundbook: `make run` serves the demo, `make test` runs the whole suite. `make help` lists all.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help install run serve test lint fmt worker migrate revision bench vips clean

include pwa/pwa.mk

help: ## Show the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,deploy]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Roundbook with its test tools

run: install pwa ## Set up the database, seed the demo hospital, serve on http://127.0.0.1:5000
	$(BIN)/roundbook setup --url http://$(HOST):$(PORT)
	$(BIN)/roundbook run --host $(HOST) --port $(PORT)

test: install pwa browser ## Run the whole suite (SQLite, PostgreSQL, Redis, Chromium)
	$(BIN)/pytest

lint: install pwa-lint ## Check style (ruff), types of the sync core (mypy --strict), the field app (ESLint, Prettier)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy sync

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install ## Run an RQ worker (needs REDIS_URL)
	$(BIN)/roundbook worker

migrate: install ## Upgrade the database to the latest migration
	$(BIN)/roundbook db upgrade

revision: install ## Autogenerate a migration: make revision m="what changed"
	$(BIN)/roundbook db revision --autogenerate -m "$(m)"

bench: install vips pwa browser ## Run the benchmarks under bench/
	@for bench in bench/*_bench.py; do echo "== $$bench"; $(BIN)/python $$bench || exit 1; done

vips: ## Install vipsthumbnail, the photo benchmark's yardstick (Debian's libvips-tools; needs root)
	@if command -v vipsthumbnail >/dev/null; then \
		echo "vipsthumbnail: installed"; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update && apt-get install -y libvips-tools; \
	else \
		echo "vipsthumbnail is missing. Install it as root: sudo apt-get install -y libvips-tools"; \
	fi

clean: ## Remove the virtualenv, the built app and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache pwa/node_modules pwa/dist
