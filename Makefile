# Two commands: `make lab` and `make test`. Everything else is the package's own CLI.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab test test-engines prepare doctor images reset clean-venv bench record classroom

# No daemon is not fatal for lab: the notebooks then replay real recorded sessions.
lab: $(STAMP)
	$(PY) -m dockerlens prepare --replay-ok
	$(PY) -m dockerlens lab

# Every tier on the host's daemon, then integration, notebooks and labs against each other engine
# of ENGINES: private Docker Engine 28 (classic and containerd image store) and Podman 5 from a
# cached Debian sid root (root only), MATRIX_JOBS of them side by side. `make test ENGINES=host`
# is the quick local loop; `make test-engines ENGINES=podman5 TIERS=labs` one engine and tier.
ENGINES ?= host docker28 docker28-containerd podman5
TIERS   ?= integration notebooks labs
MATRIX_JOBS ?= 3
export MATRIX_JOBS
OTHERS  := $(filter-out host,$(ENGINES))

test: prepare
	@# the browser tier drives Debian's chromium: installed here when root (else its tests say how)
	@$(PY) -c 'from dockerlens.engine.system import CHROMIUM_MISSING as m, ensure_chromium as e; e() or print(m)'
	$(if $(filter host,$(ENGINES)),$(PY) -m pytest)
	$(if $(OTHERS),ENGINES="$(OTHERS)" TIERS="$(TIERS)" $(PY) -m dockerlens.engine.matrix)

# Only the matrix (any ENGINES, host included, and TIERS).
test-engines: prepare
	ENGINES="$(ENGINES)" TIERS="$(TIERS)" $(PY) -m dockerlens.engine.matrix

prepare: $(STAMP)
	$(PY) -m dockerlens prepare

# Re-installs only when pyproject.toml changes, so a second run is quick.
$(STAMP): pyproject.toml
	@# Debian's python3 ships venv without ensurepip: python3-venv brings it (installed when root)
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y -q python3-venv >/dev/null; } || \
		{ echo "python3 cannot create a venv: install python3-venv (sudo apt-get install python3-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,classroom]'
	@touch $(STAMP)

doctor images reset: $(STAMP)
	$(PY) -m dockerlens $@

clean-venv:
	rm -rf $(VENV)

bench: prepare
	$(PY) -m dockerlens.bench

# Re-record the replay recordings (recordings/) after editing a notebook: from a private Engine 28
# (classic image store), so Binder shows current Docker; `RECORD_ENGINE=host` records the host's
# daemon. `make record LESSONS="02 05"` records only those lessons.
RECORD_ENGINE ?= docker28
record: prepare
	$(if $(filter host,$(RECORD_ENGINE)),$(PY) -m dockerlens record $(LESSONS),\
	$(PY) -m dockerlens.engine.matrix --record $(RECORD_ENGINE) -- $(LESSONS))

# A class on this machine (root): JupyterHub, a rootless daemon per learner, the board.
# `make classroom LEARNERS=12`; stop it with `.venv/bin/python -m dockerlens classroom down`.
classroom: prepare
	$(PY) -m dockerlens classroom up --learners $(or $(LEARNERS),2)
