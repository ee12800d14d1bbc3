#!/usr/bin/env bash
# Builds attested-<version>.jar (and its shell completion) twice, the second time with another time zone, locale
# and umask, and compares the two byte for byte. Extra Maven arguments (e.g. -Dmaven.repo.local=...) are passed on.
# Usage: attestation-cli/reproducible.sh [maven args...]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build() {
  ./mvnw -B -ntp -q "$@" -pl attestation-core,nsm-ffm,attestation-cli clean package -DskipTests -Dpit.skip=true >"$out/log" 2>&1 \
    || { cat "$out/log"; exit 1; }
}
build "$@"
cp attestation-cli/target/attested-*.jar "$out/first.jar"
cp attestation-cli/target/attested_completion "$out/first_completion"
(umask 077; export TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 LANG=C.UTF-8; build "$@")
second=$(ls attestation-cli/target/attested-*.jar)
cmp "$out/first.jar" "$second"
cmp "$out/first_completion" attestation-cli/target/attested_completion
echo "reproducible: $(basename "$second") $(sha256sum "$second" | cut -c1-64) ($(( $(date +%s) - start )) s)"
