#!/usr/bin/env bash
# Installs the hvac-edge device agent on a Raspberry Pi running Raspberry Pi OS Bookworm (32- or 64-bit):
# build tools and libgpiod, a Node.js that meets the agent's requirement, the agent built with the DHT backend
# the board needs, its user and groups, configuration and systemd unit; then runs `hvac-agent doctor`.
#
#   sudo deploy/raspberry-pi/install.sh            # install (run again at any time: done steps are skipped)
#   deploy/raspberry-pi/install.sh --dry-run       # print the steps it would take, change nothing
#
# Exit codes: 0 installed (doctor found nothing failing), 1 a step failed, 2 usage, 3 this board or OS is not
# supported, or doctor reported a failing check.
# HVAC_ROOT (a recorded board layout, for tests) and HVAC_ARCH/HVAC_NODE_FOUND override what is read of the machine.
set -euo pipefail

# Node.js 22 LTS, official binaries from nodejs.org (linux-arm64 for 64-bit, linux-armv7l for 32-bit Raspberry Pi
# OS), checked against the release's SHASUMS256.txt. Debian Bookworm's own nodejs (18.x) is too old.
NODE_VERSION="22.23.3"
NODE_MIN="20.19.0"
PNPM="pnpm@10.34.9"
AGENT_USER="hvac-edge"
CONFIG="/etc/hvac-edge/agent.yaml"
UNIT="/etc/systemd/system/hvac-edge-agent.service"
APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="${HVAC_ROOT:-/}"
DRY_RUN=0

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '==> %s\n' "$*"; }
done_already() { printf '    done already: %s\n' "$*"; }
run() {
  if [ "$DRY_RUN" = 1 ]; then printf '    would run: %s\n' "$*"; else "$@"; fi
}
unsupported() { echo "install.sh: $*" >&2; exit 3; }
# What is installed is only known of this machine, not of a recorded layout.
on_this_machine() { [ "$ROOT" = / ]; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# --- the board and the OS ------------------------------------------------------------------------------------
model=""
if [ -r "$ROOT/proc/device-tree/model" ]; then model="$(tr -d '\0' <"$ROOT/proc/device-tree/model")"; fi
case "$model" in
  "Raspberry Pi 5"* | "Raspberry Pi Compute Module 5"*) rp1=1 ;; # the Pi 500 is matched by the first
  "Raspberry Pi Model"* | "Raspberry Pi Zero W"* | "Raspberry Pi Zero Rev"*)
    unsupported "$model is an ARMv6 board: nodejs.org publishes no Node.js for it" ;;
  "Raspberry Pi"*) rp1=0 ;;
  *) unsupported "not a Raspberry Pi (${model:-no /proc/device-tree/model}); this script installs the agent on one" ;;
esac
arch="${HVAC_ARCH:-$(dpkg --print-architecture)}"
case "$arch" in
  arm64) node_arch="arm64" ;;
  armhf) node_arch="armv7l" ;;
  *) unsupported "architecture $arch: expected arm64 or armhf (Raspberry Pi OS 64- or 32-bit)" ;;
esac
codename=""
if [ -r "$ROOT/etc/os-release" ]; then codename="$(sed -n 's/^VERSION_CODENAME=//p' "$ROOT/etc/os-release")"; fi
echo "board: $model; OS: ${codename:-unknown} ($arch); agent: $APP_DIR"
if [ "$codename" != "bookworm" ]; then
  echo "warning: written for Raspberry Pi OS Bookworm, not ${codename:-unknown}; node-dht-sensor's libgpiod backend needs libgpiod 1.x" >&2
fi
if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: run as root (sudo), or with --dry-run" >&2
  exit 2
fi

# --- packages ------------------------------------------------------------------------------------------------
step "system packages"
packages=(python3 make g++ curl ca-certificates xz-utils gpiod)
# The Pi 5's RP1 is read through libgpiod: node-dht-sensor is built against it.
if [ "$rp1" = 1 ]; then packages+=(libgpiod-dev); fi
missing=()
for p in "${packages[@]}"; do
  if on_this_machine && dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then continue; fi
  missing+=("$p")
done
if [ "${#missing[@]}" = 0 ]; then done_already "${packages[*]}"; else
  run apt-get update -qq
  run apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- Node.js ---------------------------------------------------------------------------------------------------
step "Node.js >= $NODE_MIN"
found="${HVAC_NODE_FOUND-$(node --version 2>/dev/null || true)}"
if [ -n "$found" ] && version_ge "${found#v}" "$NODE_MIN"; then done_already "node $found"; else
  dist="node-v$NODE_VERSION-linux-$node_arch"
  url="https://nodejs.org/dist/v$NODE_VERSION"
  tmp="/tmp/hvac-edge-node.$$"
  run mkdir -p "$tmp"
  run curl -fsSLo "$tmp/$dist.tar.xz" "$url/$dist.tar.xz"
  run curl -fsSLo "$tmp/SHASUMS256.txt" "$url/SHASUMS256.txt"
  run sh -c "cd '$tmp' && grep ' $dist.tar.xz\$' SHASUMS256.txt | sha256sum -c -"
  run mkdir -p /usr/local/lib/nodejs
  run tar -xJf "$tmp/$dist.tar.xz" -C /usr/local/lib/nodejs
  for bin in node npm npx corepack; do
    run ln -sf "/usr/local/lib/nodejs/$dist/bin/$bin" "/usr/local/bin/$bin"
  done
  run rm -rf "$tmp"
fi

# --- user ------------------------------------------------------------------------------------------------------
step "user $AGENT_USER in the gpio group"
if on_this_machine && id "$AGENT_USER" >/dev/null 2>&1; then done_already "user $AGENT_USER"; else
  run useradd --system --home-dir /var/lib/hvac-edge --shell /usr/sbin/nologin "$AGENT_USER"
fi
if on_this_machine && id -nG "$AGENT_USER" 2>/dev/null | grep -qw gpio; then done_already "gpio group"; else
  run usermod -aG gpio "$AGENT_USER"
fi

# --- the agent -------------------------------------------------------------------------------------------------
step "the agent, built"
run sh -c "cd '$APP_DIR' && npx -y $PNPM install --frozen-lockfile && npx -y $PNPM build"
if [ "$rp1" = 1 ]; then
  addon="$(find "$APP_DIR/node_modules/.pnpm" -path '*node-dht-sensor/build/Release/node_dht_sensor.node' 2>/dev/null | head -n1)"
  if on_this_machine && [ -n "$addon" ] && grep -q gpiod_chip_open_by_name "$addon"; then
    done_already "node-dht-sensor built with libgpiod"
  else
    run sh -c "cd '$APP_DIR' && npm_config_use_libgpiod=true npx -y $PNPM --filter @hvac-edge/device-agent rebuild node-dht-sensor"
  fi
fi

# --- configuration and service -----------------------------------------------------------------------------------
step "configuration $CONFIG"
if on_this_machine && [ -e "$CONFIG" ]; then done_already "$CONFIG (kept as it is)"; else
  run install -D -m 0640 -g "$AGENT_USER" "$APP_DIR/deploy/config/agent.example.yaml" "$CONFIG"
fi
step "systemd unit"
unit_text="$(sed "s#/opt/hvac-edge#$APP_DIR#g" "$APP_DIR/deploy/systemd/hvac-edge-agent.service")"
if on_this_machine && [ -e "$UNIT" ] && [ "$(cat "$UNIT")" = "$unit_text" ]; then done_already "$UNIT"; else
  if [ "$DRY_RUN" = 1 ]; then printf '    would write: %s\n' "$UNIT"; else printf '%s\n' "$unit_text" >"$UNIT"; fi
  run systemctl daemon-reload
fi
run systemctl enable hvac-edge-agent

# --- doctor ------------------------------------------------------------------------------------------------------
step "hvac-agent doctor"
doctor=(runuser -u "$AGENT_USER" -- env "AGENT_CONFIG=$CONFIG" node "$APP_DIR/device-agent/dist/main.js" doctor)
if [ "$DRY_RUN" = 1 ]; then printf '    would run: %s\n' "${doctor[*]}"; exit 0; fi
status=0
"${doctor[@]}" || status=$?
if [ "$status" = 0 ]; then
  echo "Installed. Edit $CONFIG (deviceName, gateway.url, pins), then: sudo systemctl restart hvac-edge-agent"
fi
exit "$status"
