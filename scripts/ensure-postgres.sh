#!/usr/bin/env bash
# Makes sure a throwaway PostgreSQL server for the test suites is running on
# this machine, and prints its admin URL as the only line on stdout:
#
#     postgres://postgres@127.0.0.1:54329/postgres
#
# Everything else goes to stderr. Idempotent: if a server already answers on
# the port, nothing is started. Safe to run concurrently (one flock).
#
#   * No PostgreSQL server binaries under /usr/lib/postgresql/*/bin? Installs
#     Debian's `postgresql` package (needs root, as on CI).
#   * Creates a cluster under /tmp/huanjie-pg/<port> with trust auth for
#     local connections (tests only!), listening on 127.0.0.1 only, with
#     fsync off (the data is thrown away anyway).
#   * initdb refuses to run as root: as root, the cluster belongs to the
#     `postgres` user (created if missing) and runs through `runuser`.
#
# Environment:
#   HUANJIE_PG_PORT   port to use (default 54329)
#   HUANJIE_PG_ROOT   where clusters live (default /tmp/huanjie-pg)
set -euo pipefail

PORT="${HUANJIE_PG_PORT:-54329}"
ROOT="${HUANJIE_PG_ROOT:-/tmp/huanjie-pg}"
DATA="$ROOT/$PORT"
HOST=127.0.0.1
SUPERUSER=postgres
URL="postgres://$SUPERUSER@$HOST:$PORT/postgres"

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "$PORT" in
    '' | *[!0-9]*) die "HUANJIE_PG_PORT must be a port number, got '$PORT'" ;;
esac

find_bindir() {
    local dir best=""
    # Newest major version wins (sort -V puts 9.6 before 15).
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V || true); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            best="$dir"
        fi
    done
    printf '%s' "$best"
}

# Runs a command as the cluster owner. Descriptor 9 (the lock) is closed so
# that the server, which outlives this script, does not keep holding it.
as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u "$SUPERUSER" -- "$@" 9>&-
    else
        "$@" 9>&-
    fi
}

mkdir -p "$ROOT"
chmod 0755 "$ROOT" 2>/dev/null || true

# One instance at a time: two test processes starting together must not
# both run initdb into the same directory.
exec 9>>"$ROOT/.lock-$PORT"
chmod 0666 "$ROOT/.lock-$PORT" 2>/dev/null || true
if ! flock -w 600 9; then
    die "timed out waiting for $ROOT/.lock-$PORT"
fi

BINDIR="$(find_bindir)"
if [[ -z "$BINDIR" ]]; then
    log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; installing Debian's postgresql"
    [[ "$(id -u)" -eq 0 ]] || die "installing PostgreSQL needs root (apt-get install -y postgresql)"
    command -v apt-get >/dev/null || die "apt-get not found: install PostgreSQL server binaries by hand"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 9>&-
    apt-get install -y --no-install-recommends postgresql >&2 9>&-
    BINDIR="$(find_bindir)"
    [[ -n "$BINDIR" ]] || die "postgresql installed but no server binaries under /usr/lib/postgresql/*/bin"
fi
log "using $BINDIR"

if "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT" 9>&-; then
    log "a server already answers on $HOST:$PORT"
    printf '%s\n' "$URL"
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    if ! id -u "$SUPERUSER" >/dev/null 2>&1; then
        log "creating system user $SUPERUSER"
        useradd --system --user-group --home-dir /var/lib/postgresql \
            --shell /bin/bash "$SUPERUSER" >&2
    fi
    command -v runuser >/dev/null || die "runuser not found (util-linux)"
    OWNER="$SUPERUSER"
else
    OWNER="$(id -un)"
fi

# A cluster from another major version, or a half-made one, is thrown away.
# Debian's layout is /usr/lib/postgresql/<major>/bin; PG_VERSION holds <major>.
version="$(basename "$(dirname "$BINDIR")")"
if [[ -d "$DATA" ]]; then
    if [[ ! -f "$DATA/PG_VERSION" || "$(cat "$DATA/PG_VERSION")" != "$version" ]]; then
        log "discarding unusable cluster in $DATA"
        rm -rf "$DATA"
    fi
fi

if [[ ! -d "$DATA" ]]; then
    log "creating cluster in $DATA (PostgreSQL $version)"
    mkdir -p "$DATA"
    chown "$OWNER" "$DATA"
    chmod 0700 "$DATA"
    if ! as_owner "$BINDIR/initdb" -D "$DATA" -U "$SUPERUSER" --auth=trust \
        --encoding=UTF8 --locale=C >&2; then
        rm -rf "$DATA"
        die "initdb failed"
    fi
    cat >>"$DATA/postgresql.conf" <<EOF

# --- huanjie test cluster (scripts/ensure-postgres.sh) ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

log "starting server on $HOST:$PORT"
if ! as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >&2; then
    log "pg_ctl start failed; last lines of $DATA/server.log:"
    tail -n 20 "$DATA/server.log" >&2 || true
    die "could not start PostgreSQL"
fi

for _ in $(seq 1 30); do
    if "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT" 9>&-; then
        printf '%s\n' "$URL"
        exit 0
    fi
    sleep 1
done
die "server started but does not answer on $HOST:$PORT"
