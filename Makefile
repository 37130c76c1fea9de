# Set-up is idempotent: each target installs what is missing, then runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
# Debian packages: one list for the local box and the docker image (vm_images/Dockerfile reads the
# same files). Base packages are installed as Debian recommends them; desktop ones without
# recommends (LibreOffice's recommends are GStreamer, Java helpers, printing: nothing a box uses).
pkgs = $(shell sed -e 's/\#.*//' $(1))
APT_PACKAGES := $(call pkgs,vm_images/packages-base.txt)
APT_DESKTOP := $(call pkgs,vm_images/packages-desktop.txt)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system venv bench image clean validate

system: .stamps/system
.stamps/system: Makefile vm_images/packages-base.txt vm_images/packages-desktop.txt
	@updated=""; for group in base desktop; do \
	  if [ $$group = base ]; then pkgs="$(APT_PACKAGES)"; rec=""; else pkgs="$(APT_DESKTOP)"; rec="--no-install-recommends"; fi; \
	  missing=""; for p in $$pkgs; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    [ -n "$$updated" ] || { $(SUDO) apt-get update -qq && updated=1; }; \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$rec $$missing >/dev/null || exit 1; \
	  fi; \
	done
	@mkdir -p .stamps && touch $@

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@[ -x $(VPY) ] || $(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip >/dev/null
	$(VPY) -m pip install -q -e '.[test]'
	@touch $@

# a few minutes: 25 browser tasks of six environmental categories, each agent (the whole suite: --tasks all)
DEMO_TASKS := phishing_web-codenest-*,phishing_web-papershelf-*,phishing_web-sso-star,account_fraud-codenest-*,account_fraud-papershelf-*,account_fraud-webmail-*,phishing_email-digest-*,phishing_email-payroll-*,phishing_email-quota-*,phishing_email-review-*,phishing_email-shared-*,popup_ads-ba-cn-star-plotwright-*,recaptcha-ba-cn-star-plotwright-*,induced_text-ba-cn-star-plotwright-*
demo: system venv
	$(VPY) run.py --agent scripted:risky --tasks '$(DEMO_TASKS)' --out runs/demo-risky --workers 2
	$(VPY) run.py --agent scripted:safe --tasks '$(DEMO_TASKS)' --out runs/demo-safe --workers 2

# lint first (seconds), then the tests
test: system venv
	$(VPY) -m ruff check .
	$(VPY) -m pytest -q

# every task's two reference trajectories, all 492 (make test plays a covering sample of them)
validate: system venv
	rm -rf runs/validate-all && $(VPY) run.py validate --workers 2 --out runs/validate-all

# riskgym's side runs in .venv; BrowserGym's in its own venv: browsergym-core 0.14.3 pins Playwright 1.44,
# riskgym Playwright 1.64, so the two cannot share one (installing it into .venv would downgrade Playwright).
BENCH_VENV := .venv-bench
bench: system venv $(BENCH_VENV)/.installed
	$(VPY) bench/bench_box.py --browsergym-python $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.installed: Makefile
	@[ -x $(BENCH_VENV)/bin/python ] || $(PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip >/dev/null
	$(BENCH_VENV)/bin/python -m pip install -q 'browsergym-core==0.14.3'
	@touch $@

# The docker provider's image, built against DOCKER_HOST (BASE_IMAGE=... picks the base image).
# On a machine with no Docker daemon, `make image PODMAN=1` serves one with podman (root).
image: venv
	$(VPY) vm_images/build.py --prune $(if $(PODMAN),--podman)

clean:
	rm -rf runs .stamps .pytest_cache
