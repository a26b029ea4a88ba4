#!/bin/sh
# Waits for the configuration rendered by the Leadline service, checks it, then runs
# Kamailio in the foreground with logs on stderr. runtime_dir is rejected in the config
# file by Kamailio 5.6, so it is passed with -Y.
set -eu
cfg="${KAMAILIO_CFG:-/etc/leadline/kamailio/kamailio.cfg}"
waited=0
while [ ! -s "$cfg" ]; do
  if [ "$waited" -ge 120 ]; then
    echo "kamailio: $cfg not rendered after 120 s: is the leadline service running and sharing the kamailio-config volume?" >&2
    exit 1
  fi
  [ "$waited" -eq 0 ] && echo "kamailio: waiting for $cfg (rendered by the leadline service)" >&2
  sleep 1
  waited=$((waited + 1))
done
kamailio -c -f "$cfg"
exec kamailio -f "$cfg" -Y /var/run/kamailio -DD -E -m "${KAMAILIO_SHM_MB:-1024}" -M "${KAMAILIO_PKG_MB:-8}"
