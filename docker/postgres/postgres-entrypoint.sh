#!/bin/sh
# First start: initdb with scram-sha-256 and the leadline role and database. Then
# PostgreSQL in the foreground. The password comes from POSTGRES_PASSWORD_FILE (a
# secret file) or POSTGRES_PASSWORD; it is never written into the image.
set -eu
password="${POSTGRES_PASSWORD:-}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then password="$(cat "$POSTGRES_PASSWORD_FILE")"; fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$password" ]; then
    echo "postgres: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE for the first start" >&2
    exit 1
  fi
  pwfile="$(mktemp)"
  printf '%s\n' "$password" > "$pwfile"
  initdb -D "$PGDATA" --username=postgres --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --pwfile="$pwfile" >/dev/null
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start >/dev/null
  # The password goes through a psql variable: quoted by psql, never pasted into SQL.
  psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -d postgres -v pw="$password" <<'SQL' >/dev/null
CREATE ROLE leadline LOGIN PASSWORD :'pw';
CREATE DATABASE leadline OWNER leadline;
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  rm -f "$pwfile"
  echo "postgres: cluster created with role and database leadline" >&2
fi
exec postgres -D "$PGDATA" -c listen_addresses="$POSTGRES_LISTEN" -c port="$POSTGRES_PORT" \
  -c unix_socket_directories=/var/run/postgresql
