#!/usr/bin/env bash
# Differential test of the KMS key-policy evaluator (issue 12): KeyPolicyDifferential generates (policy, request)
# pairs from a seed and compares KeyPolicyEvaluator's decisions with @cloud-copilot/iam-simulate's. The oracle (AGPL,
# test-only) is installed with `npm ci` from the committed lock file under attestation-core/target/iam-simulate and
# never shipped. Needs Node.js 20+ and npm: fails when they are missing.
# Extra arguments go to Maven, e.g. -Dattested.differential.seed=42 -Dattested.differential.cases=5000.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "kms-differential: '$tool' not found. Install Node.js 20 or later (with npm); this test cannot run without it." >&2
    exit 1
  fi
done
if [ -z "${JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25*; do
    [ -x "$candidate/bin/java" ] && export JAVA_HOME="$candidate" && break
  done
fi

oracle=attestation-core/target/iam-simulate
rm -rf "$oracle"
mkdir -p "$oracle"
cp attestation-core/src/test/iam-simulate/package.json attestation-core/src/test/iam-simulate/package-lock.json \
   attestation-core/src/test/iam-simulate/evaluate.mjs "$oracle"/
echo "kms-differential: node $(node --version), npm $(npm --version); installing the oracle (npm ci)"
(cd "$oracle" && npm ci --ignore-scripts --no-audit --no-fund)

# The fuzz corpora and the 64 MB mutation run are not this step's (verify and .ci/fuzz run them).
report=attestation-core/target/surefire-reports/TEST-dev.attested.kms.KeyPolicyDifferential.xml
rm -f "$report"
./mvnw -B -ntp -pl attestation-core test -Dtest=KeyPolicyDifferential \
  -Dattested.mutation.skip=true -Dattested.fuzz.skip=true "-Dattested.iamSimulate.dir=$PWD/$oracle" "$@"

# Passing means the comparison ran: one test, not skipped (a run that selects no test is not a pass).
if [ ! -f "$report" ] || ! grep -Eq '<testsuite [^>]*tests="1"' "$report" \
   || ! grep -Eq '<testsuite [^>]*skipped="0"' "$report" || ! grep -Eq '<testsuite [^>]*failures="0"' "$report" \
   || ! grep -Eq '<testsuite [^>]*errors="0"' "$report"; then
  echo "kms-differential: KeyPolicyDifferential did not run to completion (no passing report at $report)." >&2
  exit 1
fi
echo "kms-differential: passed in $(( $(date +%s) - start )) s"
