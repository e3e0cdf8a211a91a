#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests (test/node/store/postgres.test.ts).
#
#   eval "$(scripts/pg-test.sh start)"   # starts it (or finds it running); prints `export DATABASE_URL=...`
#   scripts/pg-test.sh url               # prints the URL of the running server
#   scripts/pg-test.sh status            # exit 0 when running
#   scripts/pg-test.sh stop              # stops it and deletes its data
#
#   eval "$(scripts/pg-test.sh start --durable)"   # a second, separate server for benchmarks
#   scripts/pg-test.sh stop --durable
#
# It is idempotent: `start` twice gives the same server, `stop` when nothing runs does nothing.
# The data lives in $ACCORD_PG_DIR (default: $TMPDIR/accord-pg-test-<uid>); the server listens
# on 127.0.0.1 only, on a free port, with a random password. By default it runs with fsync,
# synchronous_commit and full_page_writes off: fast, for tests, never for data you want to keep.
# With --durable it is a separate server (directory $ACCORD_PG_DIR-durable) with PostgreSQL's
# durable defaults, fsync=on, synchronous_commit=on and full_page_writes=on, so that a benchmark
# measures commits that reached the disk. initdb refuses to run as root, so as root the server
# runs as the `postgres` user (created when missing).
# Needs the PostgreSQL server binaries (Debian: apt-get install postgresql); set PG_BIN to use
# another installation.
set -euo pipefail

dir="${ACCORD_PG_DIR:-${TMPDIR:-/tmp}/accord-pg-test-$(id -u)}"
durable=0
if [ "${2:-}" = "--durable" ]; then
  durable=1
  dir="$dir-durable"
elif [ -n "${2:-}" ]; then
  echo "pg-test.sh: unknown option ${2}; the only option is --durable" >&2
  exit 2
fi
data="$dir/data"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$b" ] && [ -x "$b/initdb" ]; then
    echo "$b"
    return
  fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  echo "pg-test.sh: PostgreSQL server binaries (initdb, pg_ctl) not found; install them (Debian: apt-get install postgresql) or set PG_BIN" >&2
  exit 1
}

# Runs a command as the user owning the server: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "pg-test.sh: no free TCP port found" >&2
  exit 1
}

running() {
  [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

url() {
  echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/postgres"
}

start() {
  if running; then
    echo "export DATABASE_URL=$(url)"
    return
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    # A random password; host connections must give it (scram), the socket is local to $dir.
    as_owner sh -c "umask 077 && head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > '$dir/password'"
    as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/password" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/password" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      {
        cat "$dir/initdb.log" >&2
        exit 1
      }
  fi
  local port
  port=$(free_port)
  as_owner sh -c "echo $port > '$dir/port'"
  local sync="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "$durable" -eq 1 ] && sync="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $sync -c max_connections=200" \
    >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  echo "export DATABASE_URL=$(url)"
}

stop() {
  if running; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

bin=$(find_bin)
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url)
    running || {
      echo "pg-test.sh: not running; run: eval \"\$(scripts/pg-test.sh start)\"" >&2
      exit 1
    }
    url
    ;;
  status) running ;;
  *)
    echo "usage: scripts/pg-test.sh start|stop|status|url [--durable]" >&2
    exit 2
    ;;
esac
