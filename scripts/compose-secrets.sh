#!/usr/bin/env bash
# Creates the compose stack's secret files once (never overwrites one): ./secrets/ is
# 0700 so only root reads it on the host; the files are 0444 because the containers run
# as unprivileged users that must read their bind-mounted copy.
set -euo pipefail
dir=${LEADLINE_SECRETS_DIR:-$(dirname "$0")/../secrets}
mkdir -p "$dir" && chmod 0700 "$dir"
for name in postgres_password s3_secret_key; do
  [ -s "$dir/$name" ] && continue
  (umask 0222; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$dir/$name")
  echo "created $dir/$name"
done
