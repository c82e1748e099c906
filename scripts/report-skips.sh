#!/usr/bin/env bash
# Says by name every check the last ctest run skipped, and why (the test's "SKIPPED:"
# line): a suite that needs a tool the machine lacks (cfn-lint, moto, the AWS CLI v1,
# Node.js for the CDK toolkit) passes without running, and this makes that visible.
# Usage: scripts/report-skips.sh BUILD_DIR
set -euo pipefail
log="${1:?usage: report-skips.sh BUILD_DIR}/Testing/Temporary/LastTest.log"
[ -f "$log" ] || exit 0
# LastTest.log holds each test's output after a line "N/M Test: NAME".
skips=$(awk '
  /^[0-9]+\/[0-9]+ Test: / { test = $3 }
  /SKIPPED: / { sub(/.*SKIPPED: /, ""); print "  " test ": " $0 }
' "$log" | sort -u)
if [ -z "$skips" ]; then
  echo "skipped: none"
else
  echo "skipped (these checks did not run on this machine):"
  echo "$skips"
fi
