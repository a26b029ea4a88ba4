#!/usr/bin/env bash
# `npm test`: set up what is missing, type-check, run every test, and end with one
# plain "N passed, N failed" line. The exit code is vitest's.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests || exit 1
npx tsc --noEmit && npx tsc --noEmit -p web || { echo "type check failed"; exit 1; }
mkdir -p var
# The end-to-end tests give each PBX fixed ports in 11000-49999. Keep the kernel from
# handing those out as the local port of an outgoing connection (to Redis, PostgreSQL,
# a phone), which would make a test's "port in use" a matter of luck.
if [ "$(id -u)" = 0 ]; then
  sysctl -qw net.ipv4.ip_local_reserved_ports=11000-49999 || echo "test: could not reserve ports 11000-49999; an end-to-end test may find its port taken"
fi
npx vitest run --reporter=default --reporter=json --outputFile=var/test-results.json "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("var/test-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || echo "no test report was written"
exit $status
