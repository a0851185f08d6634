# Two commands do all set-up: `make lab` and `make test`. Versions come from constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   := datasets/clipstream.duckdb

.PHONY: install lab test typecheck keys data solutions bench progress clean

# uv installs the same pinned versions as pip in a quarter of the time (a fresh venv: 81 s with pip, 23 s with
# uv, its own install included); pip only installs uv. Byte code is compiled at install: grading workers run as
# other uids and students on a shared server as themselves, who cannot write .pyc files into the venv, so every
# import would compile again (a fresh clone's pytest took 872 s instead of about 720 s without them).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt uv
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -c constraints.txt -e '.[lab,test]'
	touch $(STAMP)

install: $(STAMP)

# The dataset is a product of the simulation code: rebuild it when that changes, so notebooks and data agree.
$(DATA): $(shell find synth -name '*.py') | $(STAMP)
	$(BIN)/synth build --scale small --out $(DATA)

data: $(DATA)

# Jupyter refuses to run as root unless told; containers and cloud machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Students work on their own copies in my-work/ (git-ignored): made on first run, never overwritten, new modules
# added after an update, so `git pull` never conflicts with their work.
lab: install data
	$(BIN)/grader workspace
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/my-work/00_start_here.ipynb

# nbval compares solutions/ with their stored outputs on the default dataset; building the answer keys first
# keeps the key-building message out of those outputs. Two workers, a test file each at a time (a notebook's
# cells stay in order on one kernel): most tests wait on one kernel or process, so two share the cores better.
test: install data
	$(BIN)/ruff check synth grader tests benchmarks
	$(MAKE) --no-print-directory -j2 typecheck keys
	$(BIN)/pytest -n 2 --dist loadfile

# Independent of each other, so `make test` runs them side by side (mypy is one process; 57 s -> 49 s together).
typecheck: install
	$(BIN)/mypy

keys: install data
	$(BIN)/grader key

# After a change to synth/, a solution or feedback wording: rebuild the keys, re-execute the solutions in place
# (their outputs are what nbval checks) and rebuild the exercises. MODULES="01_active_users ..." limits it.
solutions: install data
	$(BIN)/python -m grader.reexecute $(MODULES)

# The virtualenv's commands are not on a student's PATH: this works as typed from the checkout.
progress: install
	$(BIN)/grader progress

bench: install
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_compare.py
	$(BIN)/python benchmarks/bench_grade.py --quick

clean:
	rm -rf $(VENV) datasets/*.duckdb datasets/*.key
