#!/usr/bin/env bash
# Usage: scripts/with-temp-postgres.sh <command> [args...]
#
# Starts a throwaway PostgreSQL cluster (Debian's `postgresql` package) that listens only on a Unix
# socket in a temporary folder, exports DATABASE_URL for it, runs the command, then stops the
# cluster and deletes it, whatever the command's outcome. Exits with the command's status.
# CI runs the fleet-server suite this way: `scripts/with-temp-postgres.sh npx vitest run fleet-server`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)" >&2
  exit 2
fi

cluster_dir="$(mktemp -d "${TMPDIR:-/tmp}/fleet-pg.XXXXXX")"
# initdb refuses to run as root; the Debian package's `postgres` account owns the cluster then.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$cluster_dir"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$cluster_dir"
}
trap cleanup EXIT INT TERM

# trust authentication is acceptable only because nothing but this socket, in a private folder, listens.
"${as_owner[@]}" "$pg_bin/initdb" -D "$cluster_dir/data" -U fleet --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster_dir/data" -w -l "$cluster_dir/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$cluster_dir' -c fsync=off" start >/dev/null

export DATABASE_URL="postgresql://fleet@localhost/postgres?host=$cluster_dir"
set +e
"$@"
status=$?
set -e
exit "$status"
