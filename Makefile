# Set-up is idempotent: each target installs what is missing, then runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
APT_PACKAGES := chromium bubblewrap xvfb xdotool iproute2 procps fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system venv bench clean

system: .stamps/system
.stamps/system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@mkdir -p .stamps && touch $@

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@[ -x $(VPY) ] || $(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip >/dev/null
	$(VPY) -m pip install -q -e '.[test]'
	@touch $@

demo: system venv
	$(VPY) run.py --agent scripted:risky --tasks phishing_web,account_fraud,phishing_email --out runs/demo-risky --workers 2
	$(VPY) run.py --agent scripted:safe --tasks phishing_web,account_fraud,phishing_email --out runs/demo-safe --workers 2

test: system venv
	$(VPY) -m pytest -q

bench: system venv
	$(VPY) -m pip install -q 'browsergym-core==0.14.3'
	$(VPY) bench/bench_box.py

clean:
	rm -rf runs .stamps .pytest_cache
