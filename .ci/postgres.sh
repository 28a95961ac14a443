# Start a throw-away PostgreSQL server on 127.0.0.1 (sourced by .ci/run; usable by hand too:
#   . .ci/postgres.sh && start_postgres && export HEPATOBOARD_TEST_POSTGRES_URL && make test).
start_postgres() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "installing PostgreSQL (Debian package)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA=$(mktemp -d /tmp/hepatoboard-pg.XXXXXX)
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as_pg=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PGDATA"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDATA/data" -A trust -U postgres >/dev/null
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDATA/data" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1" start >/dev/null
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE hepatoboard_test" >/dev/null
  HEPATOBOARD_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PGPORT/hepatoboard_test"
  echo "PostgreSQL running for tests at 127.0.0.1:$PGPORT"
  STOP_PG=("${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDATA/data" -m fast stop)
}

stop_postgres() {
  if [ -n "${STOP_PG+x}" ]; then "${STOP_PG[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "${PGDATA:-/nonexistent}"
}
