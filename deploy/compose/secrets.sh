#!/usr/bin/env bash
# Makes the secrets deploy/compose/compose.yaml reads, as files in deploy/compose/secrets/ (mode 0600), random:
# device and admin tokens of the gateway, its monitoring credential, the gateway's MQTT password (and Mosquitto's
# password file for it), InfluxDB's admin password and token, Grafana's admin password. Existing files are kept; delete one to renew it.
# Needs openssl, and mosquitto_passwd (the mosquitto package) or Docker for the password file.
# Exit codes: 0 done, 3 a required program is missing.
set -euo pipefail
DIR="${SECRETS_DIR:-$(cd "$(dirname "$0")" && pwd)/secrets}"
umask 077
mkdir -p "$DIR"

command -v openssl >/dev/null || { echo "secrets.sh: openssl is not installed" >&2; exit 3; }
make() { [ -s "$DIR/$1" ] || openssl rand -base64 "$2" | tr -d '/+=\n' >"$DIR/$1"; }

make gateway_device_tokens 32
make gateway_admin_tokens 32
make gateway_monitoring_credential 24
make mqtt_gateway_password 24
make influx_password 24
make influx_token 48
make grafana_admin_password 24

if [ ! -s "$DIR/mosquitto_passwd" ]; then
  pw=$(cat "$DIR/mqtt_gateway_password")
  if command -v mosquitto_passwd >/dev/null; then
    mosquitto_passwd -c -b "$DIR/mosquitto_passwd" hvac-edge-gateway "$pw"
  elif command -v docker >/dev/null; then
    docker run --rm -v "$DIR:/s" eclipse-mosquitto:2 mosquitto_passwd -c -b /s/mosquitto_passwd hvac-edge-gateway "$pw"
  else
    echo "secrets.sh: need mosquitto_passwd (apt-get install mosquitto) or Docker for the Mosquitto password file" >&2
    exit 3
  fi
fi
echo "secrets in $DIR: $(ls "$DIR" | tr '\n' ' ')"
