# Two commands for a newcomer: `make lab` opens the tracker, `make test` runs the whole suite.
# Both build their own virtual environment in .venv from nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hipknee-installed
# The file that turns hipknee's pre-save hook on (hipknee/servers/notebook_outputs.py).
OUTPUTS_HOOK := $(VENV)/etc/jupyter/jupyter_server_config.d/hipknee.json

.PHONY: lab test venv demo dashboard-image bench dashboard

venv: $(STAMP) $(OUTPUTS_HOOK)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Every Jupyter server of the environment saves notebooks without their outputs (personal data).
$(OUTPUTS_HOOK): $(STAMP)
	$(BIN)/python -m hipknee.servers.notebook_outputs
	touch $@

# `hipknee lab` opens JupyterLab on notebooks/ with that hook (and --allow-root when run as root).
lab: venv
	$(BIN)/hipknee demo --if-missing
	$(BIN)/hipknee lab

# Test files run side by side, one worker per core; a file's tests stay in one worker, which
# shares their stores and servers.
test: venv
	$(BIN)/python -m pytest -n auto --dist loadfile

demo: $(STAMP)
	$(BIN)/hipknee demo --if-missing

# The coach dashboard, read-only and on this machine only: open the address it prints (with its
# token) on http://127.0.0.1:$(DASHBOARD_PORT).
DASHBOARD_PORT ?= 8866
dashboard: $(STAMP)
	$(BIN)/hipknee demo --if-missing
	$(BIN)/hipknee dashboard --port=$(DASHBOARD_PORT)

# The README's picture of the demo season's dashboard (written into a throw-away store).
dashboard-image: $(STAMP)
	@tmp=$$(mktemp -d) && \
	$(BIN)/hipknee demo --data "$$tmp" >/dev/null && \
	$(BIN)/hipknee plot dashboard --data "$$tmp" --out docs/dashboard.png; \
	status=$$?; rm -rf "$$tmp"; exit $$status

# Figures on a generated coach's store (100 runners x 5 seasons, cached in benchmarks/results/);
# `make bench BENCH=--quick` for the one-minute version.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH)
