#!/usr/bin/env bash
# Users and ACLs of hvac-edge's Mosquitto, in its dynamic-security plugin (see mosquitto.conf for why not acl_file).
#
#   setup.sh init                         once: the config into $CONF_DIR, the plugin's file with an admin user
#   setup.sh gateway <password-file>      the gateway's user: may subscribe to the events, through its shared
#                                         subscription; publishes nothing
#   setup.sh device <name> <password-file>  a device's user, named as the device: may publish its own events
#                                         (edgex/events/device/+/+/<name>/+) and nothing else; subscribes to nothing
#
# Environment (defaults for a Debian host): CONF_DIR=/etc/mosquitto/conf.d STATE_DIR=/var/lib/mosquitto
# MQTT_HOST=127.0.0.1 MQTT_PORT=1883 DYNSEC_PLUGIN=<from dpkg -L mosquitto>.
# The admin password is made at init and kept in $STATE_DIR/hvac-edge-admin.password (0600). Passwords pass
# mosquitto_ctrl's command line on this host; they are never printed.
# Exit codes: 0 done, 2 usage, 3 a required program or file is missing, 4 Mosquitto refused a command.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CONF_DIR=${CONF_DIR:-/etc/mosquitto/conf.d}
STATE_DIR=${STATE_DIR:-/var/lib/mosquitto}
MQTT_HOST=${MQTT_HOST:-127.0.0.1}
MQTT_PORT=${MQTT_PORT:-1883}
ADMIN=hvac-edge-admin
ADMIN_FILE="$STATE_DIR/$ADMIN.password"
TOPICS=edgex/events/device
GROUP=hvac-edge-gateway

die() { echo "setup.sh: $2" >&2; exit "$1"; }
need() { command -v "$1" >/dev/null || die 3 "$1 is not installed (apt-get install mosquitto)"; }
secret() { [ -r "$1" ] || die 3 "cannot read the password file $1"; head -n1 "$1" | tr -d '\r\n'; }

ctrl() {
  need mosquitto_ctrl
  [ -r "$ADMIN_FILE" ] || die 3 "no admin password at $ADMIN_FILE: run setup.sh init first"
  # mosquitto_ctrl warns about plain connections on every call; on loopback there is nothing to warn about.
  mosquitto_ctrl -h "$MQTT_HOST" -p "$MQTT_PORT" -u "$ADMIN" -P "$(secret "$ADMIN_FILE")" dynsec "$@" \
    2> >(grep -v -e 'without encryption' -e 'visible on the network' -e '^$' >&2) >/dev/null ||
    die 4 "Mosquitto refused: dynsec $1 $2"
}

case "${1:-}" in
  init)
    need mosquitto_ctrl
    plugin=${DYNSEC_PLUGIN:-$(dpkg -L mosquitto 2>/dev/null | grep -m1 'mosquitto_dynamic_security\.so$' || true)}
    [ -n "$plugin" ] && [ -e "$plugin" ] || die 3 "mosquitto_dynamic_security.so not found; set DYNSEC_PLUGIN"
    mkdir -p "$CONF_DIR" "$STATE_DIR"
    sed -e "s#^plugin .*#plugin $plugin#" \
      -e "s#^plugin_opt_config_file .*#plugin_opt_config_file $STATE_DIR/dynamic-security.json#" \
      -e "s#^persistence_location .*#persistence_location $STATE_DIR/#" \
      "$HERE/mosquitto.conf" >"$CONF_DIR/hvac-edge.conf"
    if [ ! -e "$STATE_DIR/dynamic-security.json" ]; then
      (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$ADMIN_FILE")
      mosquitto_ctrl dynsec init "$STATE_DIR/dynamic-security.json" "$ADMIN" "$(secret "$ADMIN_FILE")" >/dev/null
      chmod 600 "$STATE_DIR/dynamic-security.json"
    fi
    echo "wrote $CONF_DIR/hvac-edge.conf and $STATE_DIR/dynamic-security.json; (re)start Mosquitto, then add users"
    ;;
  gateway)
    [ $# -eq 2 ] || die 2 "usage: setup.sh gateway <password-file>"
    pw=$(secret "$2")
    # Nobody receives or subscribes unless a role says so.
    ctrl setDefaultACLAccess publishClientReceive deny
    ctrl setDefaultACLAccess subscribe deny
    ctrl createRole gateway
    ctrl addRoleACL gateway subscribeLiteral "\$share/$GROUP/$TOPICS/#" allow
    ctrl addRoleACL gateway subscribeLiteral "$TOPICS/#" allow
    ctrl addRoleACL gateway publishClientReceive "$TOPICS/#" allow
    ctrl createClient "$GROUP" -p "$pw"
    ctrl addClientRole "$GROUP" gateway
    echo "user $GROUP may read $TOPICS/# (directly or through \$share/$GROUP/)"
    ;;
  device)
    [ $# -eq 3 ] || die 2 "usage: setup.sh device <name> <password-file>"
    case "$2" in *[/+#]* | "") die 2 "a device name cannot be empty or hold / + #" ;; esac
    pw=$(secret "$3")
    ctrl createRole "device-$2"
    ctrl addRoleACL "device-$2" publishClientSend "$TOPICS/+/+/$2/+" allow
    ctrl createClient "$2" -p "$pw"
    ctrl addClientRole "$2" "device-$2"
    echo "user $2 may publish $TOPICS/+/+/$2/+"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
