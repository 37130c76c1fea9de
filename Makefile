# Set-up is idempotent: each target installs what is missing, then runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
# The box and the browser env (installed as Debian recommends them), then the desktop env:
# LibreOffice is most of that download, installed without recommends (GStreamer, Java helpers,
# printing: nothing a box uses); the fonts screens are drawn with are named instead.
APT_PACKAGES := chromium bubblewrap xvfb xdotool iproute2 procps fonts-dejavu-core
APT_DESKTOP := fonts-liberation openbox xfce4-terminal mousepad thunar libreoffice-writer \
	libreoffice-calc libreoffice-impress libreoffice-gtk3 python3-gi gir1.2-atspi-2.0 at-spi2-core dbus \
	gimp libatk-adaptor tesseract-ocr imagemagick libimage-exiftool-perl python3-pil
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system venv bench clean

system: .stamps/system
.stamps/system: Makefile
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
