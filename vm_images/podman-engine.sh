#!/usr/bin/env bash
# A Docker-API engine on a machine with no Docker daemon: podman's API service on a Unix socket,
# and a Debian base image made locally with debootstrap (no registry needed). Idempotent: each
# step is skipped when already done. Prints the DOCKER_HOST to use on its last line.
#   vm_images/podman-engine.sh [SOCKET]      (default /tmp/riskgym-podman.sock; needs root)
set -euo pipefail
SOCK=${1:-${RISKGYM_PODMAN_SOCK:-/tmp/riskgym-podman.sock}}
BASE=${RISKGYM_BASE_IMAGE:-localhost/debian:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org}
log() { echo "podman-engine: $*" >&2; }

[ "$(id -u)" = 0 ] || { log "needs root (podman rootful, debootstrap)"; exit 2; }

need=""
for b in podman runc debootstrap curl; do command -v $b >/dev/null || need="$need $b"; done
if [ -n "$need" ]; then
  log "installing$need"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap curl >/dev/null
fi

# crun fails on this kind of host (rlimits, hybrid cgroups); runc works.
conf=/etc/containers/containers.conf
if ! grep -qs 'runtime *= *"runc"' $conf; then
  log "writing $conf (runtime runc)"
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > $conf
fi

ping() { curl -sf --max-time 5 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }
if ! ping; then
  log "starting podman system service on $SOCK"
  rm -f "$SOCK"
  setsid nohup podman system service --time=0 "unix://$SOCK" >/tmp/riskgym-podman-service.log 2>&1 < /dev/null &
  echo $! > "$SOCK.pid"     # so whoever needed the service can stop it (tests do)
  for _ in $(seq 1 100); do ping && break; sleep 0.2; done
  ping || { log "podman service did not answer on $SOCK (see /tmp/riskgym-podman-service.log)"; exit 3; }
fi

if ! podman image exists "$BASE"; then
  root=$(mktemp -d /tmp/riskgym-rootfs.XXXXXX)
  log "debootstrap bookworm (minbase) -> $BASE"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR/debian" >/tmp/riskgym-debootstrap.log 2>&1 \
    || { log "debootstrap failed (see /tmp/riskgym-debootstrap.log)"; rm -rf "$root"; exit 4; }
  # the same suites as debian:bookworm-slim: security updates carry the current Chromium
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $MIRROR/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | podman import -q - "$BASE" >/dev/null
  rm -rf "$root"
fi
echo "unix://$SOCK"
