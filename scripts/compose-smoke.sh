#!/usr/bin/env bash
# Builds the images, starts docker-compose.yml with podman-compose, waits for every
# health check and /readyz, places one real call through the containers (sipp trunk ->
# kamailio + rtpengine -> sipp phone; recorded, converted, stored in the s3 container),
# checks /metrics, and tears everything down (volumes included). Prints the build and
# start times. Not part of `npm test`: a cold build takes minutes (docs/deploy.md).
#
#   sudo scripts/compose-smoke.sh [--no-build] [--keep]
#
# It runs in a network namespace of its own (unshare), so the stack's host-network
# ports (5060, 8080, 6379, 5432, 9000, ...) never meet a Leadline, Redis or PostgreSQL
# already running on this machine. Needs root, podman, podman-compose, runc, sipp.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ -z "${SMOKE_IN_NETNS:-}" ]; then
  exec env SMOKE_IN_NETNS=1 unshare --net -- "$0" "$@"
fi
ip link set lo up

build=1 keep=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--no-build] [--keep]" >&2; exit 2 ;;
  esac
done
for tool in podman podman-compose runc sipp; do
  command -v "$tool" >/dev/null || { echo "compose-smoke: $tool is missing (apt-get install podman podman-compose runc sip-tester)" >&2; exit 1; }
done
# The call is placed by a script of the checkout (scripts/compose-smoke-call.ts): a fresh
# clone needs its npm dependencies first.
if [ ! -x "$root/node_modules/.bin/tsx" ]; then
  echo "[smoke] installing the checkout's npm dependencies (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || { echo "compose-smoke: npm ci failed" >&2; exit 1; }
fi
# runc + cgroupfs + host network (docker/podman/containers.conf says why).
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/docker/podman/containers.conf}

work=$(mktemp -d /tmp/leadline-smoke.XXXXXX)
chmod 0755 "$work"
project=leadline-smoke
# podman-hostnet: Debian's podman-compose 1.0.3 cannot start host-network containers without it.
compose() { podman-compose -p "$project" -f "$root/docker-compose.yml" --podman-path "$root/docker/podman/podman-hostnet" "$@"; }
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }
log() { echo "[smoke $(elapsed)s] $*"; }
teardown() {
  if [ "$keep" = 1 ]; then log "kept running (--keep): podman-compose -p $project down -v to stop"; return; fi
  log "tearing down"
  compose down -v >"$work/down.log" 2>&1 || true
  podman volume rm -f $(podman volume ls -q --filter "name=${project}_") >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap teardown EXIT

random() { head -c 32 /dev/urandom | base64 | tr -d '/+=\n' | head -c "${1:-40}"; }
token=$(random 43) sip_password=$(random 16) session=$(random 43)
export LEADLINE_SECRETS_DIR=$work/secrets
bash scripts/compose-secrets.sh >/dev/null
cat >"$work/leadline.yaml" <<YAML
# Written by scripts/compose-smoke.sh; the secrets not here come from /run/secrets.
sip: { listen: 127.0.0.1, port: 5060, domain: smoke.leadline.test }
http: { host: 127.0.0.1, port: 8080 }
api:
  tokens:
    - { name: smoke, token: "$token", role: admin }
console: { sessionSecret: "$session" }
rtpengine: { ngPort: 2223, portMin: 30000, portMax: 30999 }
kamailio: { evapiPort: 8448, children: 4, sharedMemoryMb: 256 }
daemons: { mode: external }
managers:
  - { extension: "101", name: Smoke, password: "$sip_password" }
trunks:
  - { name: smoke-trunk, address: 127.0.0.2, port: 5060, callerId: "+74951234567" }
recordings:
  format: mp3
  storage: { driver: s3, endPoint: 127.0.0.1, port: 9000, useSSL: false, accessKey: leadline, secretKey: "", bucket: leadline-recordings, prefix: smoke/, redirect: false }
YAML
chmod 0644 "$work/leadline.yaml"
export LEADLINE_CONFIG_FILE=$work/leadline.yaml RTP_PORT_MIN=30000 RTP_PORT_MAX=30999 KAMAILIO_SHM_MB=256

# A TLS-intercepting proxy on this machine: the builds trust what the host trusts.
cp /usr/local/share/ca-certificates/*.crt docker/ca-certificates/ 2>/dev/null || true
if ! podman image exists "${LEADLINE_BASE_IMAGE:-localhost/debian:bookworm}"; then
  log "building the Debian base image"
  bash scripts/podman-base-image.sh
fi
if [ "$build" = 1 ]; then
  log "building the images (podman-compose build)"
  b0=$(date +%s)
  compose build >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
  log "images built in $(( $(date +%s) - b0 )) s"
fi

log "starting the stack"
s0=$(date +%s)
compose up -d >"$work/up.log" 2>&1 || { tail -30 "$work/up.log"; exit 1; }
# podman-compose 1.0.3 exits 0 even when a container could not be created: check each.
for svc in rtpengine kamailio redis postgres s3 leadline; do
  podman container exists "${project}_${svc}_1" || { log "$svc was not created:"; grep -A2 "_${svc}_1" "$work/up.log" | grep -i error | head -3; exit 1; }
done
# podman-compose 1.0.3 does not wait for health: ask each container's check, bounded.
for svc in rtpengine redis postgres s3 leadline; do
  name="${project}_${svc}_1"
  for i in $(seq 1 120); do
    if podman healthcheck run "$name" >/dev/null 2>&1; then break; fi
    if [ "$i" = 120 ]; then
      log "$svc is not healthy after 120 s; its log:"; podman logs --tail 40 "$name" 2>&1 || true; exit 1
    fi
    sleep 1
  done
  log "$svc healthy"
done
ready=$(curl -s http://127.0.0.1:8080/readyz)
log "stack up and ready in $(( $(date +%s) - s0 )) s: /readyz $ready"
echo "$ready" | grep -q '"status":"ok"' || exit 1
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/livez)" = 200 ] || { log "/livez is not 200"; exit 1; }
user=$(podman exec "${project}_leadline_1" id -un)
log "the service runs as $user: $(podman exec "${project}_leadline_1" sh -c 'cat /proc/1/cmdline | tr "\0" " "')"

if ! SMOKE_URL=http://127.0.0.1:8080 SMOKE_TOKEN=$token SMOKE_PASSWORD=$sip_password npx tsx scripts/compose-smoke-call.ts; then
  for svc in leadline kamailio rtpengine; do log "--- $svc log"; podman logs --tail 30 "${project}_${svc}_1" 2>&1 || true; done
  exit 1
fi
objects=$(podman exec "${project}_s3_1" sh -c 'find /data/leadline-recordings -type f -name "*._S3rver_object" | wc -l')
log "objects in the s3 container's bucket: $objects"
calls=$(curl -s -H "authorization: Bearer $token" http://127.0.0.1:8080/metrics | grep -E '^leadline_calls_total\{' || true)
log "metrics: ${calls:-no leadline_calls_total sample}"
echo "$calls" | grep -q 'disposition="answered"} 1' || { log "leadline_calls_total did not count the answered call"; exit 1; }
log "PASS: built, started, called, recorded, stored, ready; total $(elapsed) s"
