#!/bin/sh
# The inside of with-avahi.sh: already in a fresh network and mount namespace.
set -eu
work="$(mktemp -d /tmp/fieldline-avahi.XXXXXX)"
dbus_pid=''
avahi_pid=''
cleanup() {
  [ -n "$avahi_pid" ] && kill "$avahi_pid" 2>/dev/null && wait "$avahi_pid" 2>/dev/null || true
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null && wait "$dbus_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip link set lo up
ip link set lo multicast on
ip route add 224.0.0.0/4 dev lo
# mDNS responders (bonjour-service among them) publish address records only for non-loopback
# interfaces, and Avahi resolves a service only with one. A veth pair whose both ends stay in this
# namespace, with a documentation-range address, gives them one; nothing it carries can leave.
ip link add fl-test0 type veth peer name fl-test1
ip addr add 192.0.2.10/24 dev fl-test0
ip link set fl-test0 up
ip link set fl-test1 up

# A system bus of our own: Avahi's clients (avahi-publish, avahi-browse) reach the daemon over D-Bus.
cat > "$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile >"$work/dbus.log" 2>&1 &
dbus_pid=$!
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/bus"
i=0
until [ -S "$work/bus" ]; do
  i=$((i + 1)); [ "$i" -gt 50 ] && { echo "dbus-daemon did not start: $(cat "$work/dbus.log")" >&2; exit 1; }
  sleep 0.1
done

cat > "$work/avahi.conf" <<CONF
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
ratelimit-interval-usec=0
enable-dbus=yes
[publish]
publish-workstation=no
publish-hinfo=no
CONF
mkdir -p "$work/run"
mount --bind "$work/run" /run/avahi-daemon
avahi-daemon -f "$work/avahi.conf" --no-drop-root --no-chroot --no-rlimits >"$work/avahi.log" 2>&1 &
avahi_pid=$!
i=0
until grep -q 'Server startup complete' "$work/avahi.log"; do
  i=$((i + 1)); [ "$i" -gt 100 ] && { echo "avahi-daemon did not start: $(cat "$work/avahi.log")" >&2; exit 1; }
  sleep 0.1
done

set +e
"$@"
status=$?
set -e
exit "$status"
