#!/usr/bin/env bash
# `npm test`: set up what is missing, type-check, run every test, and end with one
# plain "N passed, N failed" line. The exit code is vitest's.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests || exit 1
npx tsc --noEmit && npx tsc --noEmit -p web || { echo "type check failed"; exit 1; }
mkdir -p var
npx vitest run --reporter=default --reporter=json --outputFile=var/test-results.json "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("var/test-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || echo "no test report was written"
exit $status
