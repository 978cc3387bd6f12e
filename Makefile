# reelcast — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEB_PACKAGES := libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1 espeak-ng sox postgresql-client redis-server chromium ffmpeg
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run setup deb venv test lint pytest services bench gallery screenshots clean

run: setup ## install everything, migrate, and serve on http://127.0.0.1:8000
	$(BIN)/reelcast migrate
	$(BIN)/reelcast serve

setup: deb venv ## Debian packages + virtualenv with the package and test tools

deb:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PY) >/dev/null || { echo "need $(PY)"; exit 1; }
	[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0  # CPU build first; later ranges are satisfied by it
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps resemblyzer==0.1.4  # only its speaker-encoder weights (cameo voice embedding)
	touch $@

services: ## start PostgreSQL and Redis if they are down (tests use them for real)
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

lint: venv
	$(BIN)/ruff check src tests bench

pytest: setup services
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test: setup services lint pytest ## ruff + the whole suite (SQLite and PostgreSQL)

bench: setup ## speed figures; results go to docs/benchmarks.md
	$(BIN)/python -m bench.render --write docs/benchmarks.md
	$(BIN)/python -m bench.seeds --write docs/benchmarks.md
	$(BIN)/python -m bench.safety --write docs/benchmarks.md
	$(BIN)/python -m bench.social_access --write docs/benchmarks.md
	$(BIN)/python -m bench.diffusers_engine --write docs/benchmarks.md
	$(BIN)/python -m bench.trace --write docs/benchmarks.md
	$(BIN)/python -m bench.watermark_windows --write docs/benchmarks.md
	$(BIN)/python -m bench.throughput --write docs/benchmarks.md
	$(BIN)/python -m bench.cameo_verify --write docs/benchmarks.md
	$(BIN)/python -m bench.feed --write docs/benchmarks.md

gallery: setup ## render every seed prompt: docs/gallery/<slug>.png contact sheets (+ git-ignored MP4s)
	$(BIN)/python -m bench.gallery --out docs/gallery

screenshots: setup services ## re-capture docs/screenshots/ (every web page, phone and desktop) in Chromium
	REELCAST_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest tests/web -k "browser" -q

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
