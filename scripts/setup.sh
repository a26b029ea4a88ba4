#!/usr/bin/env bash
# Leadline set-up for a Debian 12 machine. Idempotent: it installs only what is
# missing, starts Redis and PostgreSQL only when they are not running, and
# migrates the database. `npm start` and `npm test` both run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)): install it, then run again."

# Debian packages: the SIP and media daemons, the phones and trunk used by the tests, the stores;
# sox, ffmpeg and espeak-ng make and convert the announcements (docs/announcements.md);
# lame encodes MP3 recordings, ffmpeg Opus ones (src/adapters/recordings/audio-encoders.ts);
# kamailio-tls-modules and openssl: phones over TLS and their self-signed certificate (sip.tls).
packages=(kamailio kamailio-json-modules kamailio-utils-modules kamailio-extra-modules
          kamailio-websocket-modules kamailio-autheph-modules kamailio-postgres-modules kamailio-tls-modules
          openssl rtpengine-daemon sip-tester baresip sox ffmpeg lame espeak-ng redis-server postgresql postgresql-client)
# --for-tests: also the browser the console's tests drive (playwright-core runs Debian's
# Chromium), a font so its screenshots show text, and sipvicious (the SIP scanner and
# password guesser the attack tests run).
[ "${1:-}" = "--for-tests" ] && packages+=(chromium fonts-liberation sipvicious)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install ${missing[*]}: check the Debian sources and run again."
fi

# Nothing starts by itself on machines without systemd: start what is not running.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis on 127.0.0.1:6379"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/leadline.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || die "Redis did not start: see /var/log/redis/leadline.log."
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster=$(ls /etc/postgresql | sort -V | tail -1)
  say "starting PostgreSQL $cluster on 127.0.0.1:5432"
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start \
    || die "PostgreSQL $cluster did not start: see /var/log/postgresql/."
  for _ in $(seq 100); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.1; done
  pg_isready -h 127.0.0.1 -p 5432 -q || die "PostgreSQL is not accepting connections on 127.0.0.1:5432."
fi

# The service's own role and database (password auth works with Debian's default pg_hba).
as_root runuser -u postgres -- psql -qtAX -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leadline') THEN
    CREATE ROLE leadline LOGIN CREATEDB PASSWORD 'leadline';
  END IF;
END $$;
SELECT 'CREATE DATABASE leadline OWNER leadline'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'leadline')\gexec
ALTER DATABASE leadline OWNER TO leadline;
SQL

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The console's pages, rebuilt when a file under web/ is newer than the last build.
if [ ! -f web/dist/index.html ] || [ -n "$(find web -path web/dist -prune -o -newer web/dist/index.html -type f -print -quit)" ]; then
  say "building the console's pages"
  npx vite build --config web/vite.config.ts --logLevel error || die "the console's pages did not build: see the errors above."
fi

npx tsx src/adapters/postgres/migrate-cli.ts
