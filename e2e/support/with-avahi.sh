#!/bin/sh
# Runs a command next to a real Avahi daemon, inside a private network namespace with its own D-Bus,
# so Fieldline's mDNS can be checked against another implementation without a packet leaving the
# namespace. Needs root (avahi-daemon chowns its runtime folder, which a user namespace cannot do) and
# Debian's avahi-daemon, avahi-utils and dbus packages.
#   e2e/support/with-avahi.sh avahi-browse -rtp _mcumgr._udp
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
# /run/avahi-daemon must exist to bind a private folder over it inside the namespace.
mkdir -p /run/avahi-daemon
exec unshare --net --mount sh "$(dirname "$0")/avahi-namespace.sh" "$@"
