#!/bin/sh
# Runs a command inside a private network namespace of its own (unshare -rn): only a loopback
# interface exists, with multicast on and a 224.0.0.0/4 route, so mDNS works between processes inside
# and no packet can leave the machine. The namespace ends with the command.
#   e2e/support/in-private-network.sh npx vitest run e2e/network
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
exec unshare --user --map-root-user --net sh -c '
  ip link set lo up
  ip link set lo multicast on
  ip route add 224.0.0.0/4 dev lo
  exec "$@"
' in-private-network "$@"
