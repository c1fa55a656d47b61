# chukan-layout — the two commands: `make demo` and `make test`.
# Both create .venv if missing and install what they need (Python 3.11+ and make only).

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= dev,synth,dask,xlsx

.PHONY: install demo test lint bench docs clean fuzz

# make bench: 1M + 5M residents (about 1.5 h on a shared 2-core machine); make bench BENCH_ARGS=--quick: 100k

# compileall: the editable install leaves src/ without bytecode, and where the environment sets
# PYTHONDONTWRITEBYTECODE every process then compiles the package again (a convert of 10 records
# 0.88–0.95 s → 0.65–0.68 s here, and every test subprocess). Stale files are
# recompiled by Python itself (mtime check), so an edit never runs old bytecode; run at every
# install (0.2 s when nothing changed), so edited and new modules get theirs too.
$(STAMP): pyproject.toml setup.py $(wildcard src/chukan_layout/*/*.c)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 src

demo: install
	$(BIN)/python -m chukan_layout.demo

test: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: install
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS),bench]'
	$(BIN)/python benchmarks/run_all.py --write $(BENCH_ARGS)

# make fuzz: ≥ 100,000 mutated vendor A/B/C files through convert (FUZZ_ARGS="--inputs 10000 --seed 2" for a chunk)
fuzz: install
	$(BIN)/python -m tests.pipeline.fuzzing $(FUZZ_ARGS)

docs: install
	$(BIN)/python -m tools.docs

clean:
	rm -rf $(VENV) out build dist *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
