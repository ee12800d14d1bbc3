#!/usr/bin/env bash
# The `attested` CLI in the emulator: `attested nsm attest | attested verify`, the seed one-liner, with the first
# half inside the enclave. The CLI jar (attestation-cli) goes on the jlink'ed Java base image as one more layer,
# with `java -jar /app/attested.jar nsm attest --nonce … --user-data … --public-key …` (fixed test values; the
# command line is part of the image, so they are measured) in the entrypoint, after `… nsm describe` (both run by
# probe/run-each.c, as the image has no shell); `attested build-eif` (the same jar) builds the EIF from that image
# and the development blobs; the harness boots it. The enclave prints the module's description, then the document it
# got from /dev/nsm through nsm-ffm as one line of base64 on the console. The description must name the booted
# module_id, locked PCRs 0..15 and SHA384. On the host: EmuCheck parses the document with the core
# (PCR0/1/2 = the EIF's pcr-manifest.json, PCR3/4/8 zero, locked PCRs 0..15, nonce, user_data and public_key echoed
# exactly, module_id = the booted one, the real verifier rejects it), then the line is piped into
# `attested verify --manifest … --nonce … --user-data … --public-key …` (the same jar, standard input), which must
# exit 1 with `verified: false (UNSUPPORTED_ALGORITHM)`: QEMU signs nothing. Called by run-e2e.sh.
#
# Usage: it/emulator/cli-e2e.sh ARTIFACTS_DIR CORE_CLASSPATH   (expects ARTIFACTS_DIR/blobs from run-e2e.sh; reuses
#        ARTIFACTS_DIR/java-base.tar when the sample stage made it)
# Env:   EMU_M2 (default ARTIFACTS_DIR/m2): the private Maven repository, chained to ~/.m2/repository, as in
#        sample-e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || die "usage: $0 ARTIFACTS_DIR CORE_CLASSPATH"
ART="$1"; CP="$2"
REPO="$(cd "$EMU_DIR/../.." && pwd)"
JAVA="$JAVA_HOME/bin/java"
M2="${EMU_M2:-$ART/m2}"
MVN=("$REPO/mvnw" -B -q "-Dmaven.repo.local=$M2" "-Dmaven.repo.local.tail=$HOME/.m2/repository")
VERSION="0.1.0-SNAPSHOT"
JAR="$REPO/attestation-cli/target/attested-$VERSION.jar"
OUT="$ART/cli"
T0=$SECONDS
step() { log "[cli $((SECONDS - T0))s] $*"; }
[ -d "$ART/blobs" ] || die "no development blobs in $ART/blobs (run run-e2e.sh)"
jrun() { "$JAVA" -cp "$CP" "$@" 2> >(grep -v -e '^WARNING' >&2); }
hex_of() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

# Fixed test values, measured with the image's command line. The nonce is 32 bytes, the public key 65 (the size of
# an uncompressed P-256 point; the NSM binds any bytes up to 1024).
NONCE="$(printf '%02x' $(seq 0 31))"
USER_TEXT="attested nsm attest in the emulator"
USER_HEX="$(hex_of "$USER_TEXT")"
PUBKEY="04$(printf '%02x' $(seq 100 163))"
MODULE_ID="i-0123456789abcdef0-enc0123456789abcdef"   # boot.sh --id (the default, given explicitly)

step "CLI jar (attestation-cli, private repository $M2)"
(cd "$REPO" && "${MVN[@]}" -pl attestation-cli -am package -DskipTests -DskipITs >"$ART/cli-package.log" 2>&1) \
  || { tail -40 "$ART/cli-package.log" >&2; die "maven package of attestation-cli failed"; }
[ -f "$JAR" ] || die "the build wrote no $JAR"

step "run-each (static C: the image's commands one after the other)"
apt_install gcc libc6-dev
mkdir -p "$ART/cli-bin"
gcc -static -O2 -Wall -Wextra -Werror -s -Wl,--build-id=none -o "$ART/cli-bin/run-each" "$EMU_DIR/probe/run-each.c" \
  || die "compiling run-each failed"

if [ -f "$ART/java-base.tar" ]; then
  step "Java base image (the sample stage's $ART/java-base.tar)"
else
  step "Java base image"
  "$EMU_DIR/make-java-base.sh" "$ART/java-base.tar"
fi

step "image: java-base.tar + /app/attested.jar + /app/run-each, entrypoint '… nsm describe ; … nsm attest …'"
ATTESTED=(/usr/bin/java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar /app/attested.jar)
ENTRYPOINT="$(json_array /app/run-each "${ATTESTED[@]}" nsm describe ';' \
  "${ATTESTED[@]}" nsm attest --nonce "$NONCE" --user-data "$USER_HEX" --public-key "$PUBKEY")" || exit 1
pack_on_docker_save "$ART/java-base.tar" "$ART/cli-image.tar" attested/cli-emulator:1 "$ENTRYPOINT" \
  "/app/attested.jar=$JAR" "/app/run-each=$ART/cli-bin/run-each"

step "attested build-eif (development blobs)"
rm -rf "$OUT"; mkdir -p "$OUT"
(cd "$ART" && "$JAVA" -jar "$JAR" build-eif --image cli-image.tar --blobs "$ART/blobs" --output "$OUT" \
   --name attested-cli --version 1.0 --timestamp 0 >"$ART/cli-build-eif.txt" 2>&1) \
  || { cat "$ART/cli-build-eif.txt" >&2; die "attested build-eif failed"; }
EIF="$OUT/attested-cli-1.0.eif"
[ -f "$EIF" ] && [ -f "$OUT/pcr-manifest.json" ] || die "attested build-eif wrote no EIF/manifest into $OUT"
size_mb=$(( $(stat -c %s "$EIF") / 1048576 ))
mem=$(( size_mb * 4 > 768 ? size_mb * 4 : 768 ))   # nitro-cli's floor is 4 x the EIF size (docs/spec/qemu-nitro-enclave.md §6.5)

CONSOLE="$ART/cli.console.log"
boot_cli() {
  rc=0
  "$EMU_DIR/boot.sh" "$EIF" --console "$CONSOLE" --timeout 600 --memory "${mem}M" --cpus 2 --id "$MODULE_ID" || rc=$?
}
step "boot $(basename "$EIF") (${size_mb} MB, -m ${mem}M)"
boot_again_on_nsm_fault "$CONSOLE" boot_cli
[ "$rc" -eq 0 ] || { tail -20 "$CONSOLE" >&2; die "the enclave's 'attested nsm describe ; attested nsm attest' ended with status $rc (console: $CONSOLE)"; }

# attested nsm describe: one "name  value" line per field.
desc() { tr -d '\r' <"$CONSOLE" | sed -n "s/^$1  *//p" | tail -1; }
dfail=0
dcheck() { # WHAT EXPECTED FOUND
  if [ "$2" = "$3" ]; then echo "ok    nsm describe: $1 = $2"; else echo "FAIL  nsm describe: $1 = $2 (found '${3}')"; dfail=1; fi
}
{
  dcheck module_id "$MODULE_ID" "$(desc module_id)"
  dcheck locked_pcrs "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]" "$(desc locked_pcrs)"
  dcheck digest SHA384 "$(desc digest)"
  dcheck max_pcrs 32 "$(desc max_pcrs)"
  v="$(desc version)"
  dcheck "version (major.minor.patch)" ok "$([[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && echo ok || echo "$v")"
} >"$ART/cli.describe-check.txt"
cat "$ART/cli.describe-check.txt" >&2
[ $dfail -eq 0 ] || die "the enclave's 'attested nsm describe' output is not the booted module's (console: $CONSOLE)"

# The command's standard output is one line of base64; the console has CRLF line ends and kernel lines around it.
DOC="$ART/cli.document.b64"
tr -d '\r' <"$CONSOLE" | grep -E '^[A-Za-z0-9+/]{200,}={0,2}$' >"$DOC.tmp" || true
lines=$(wc -l <"$DOC.tmp")
[ "$lines" -eq 1 ] || { rm -f "$DOC.tmp"; die "expected one base64 line (the document) on the console, found $lines: see $CONSOLE"; }
mv -f "$DOC.tmp" "$DOC"
step "the enclave printed a document of $(base64 -d <"$DOC" | wc -c) bytes (base64 in $(basename "$DOC"))"

rc=0
jrun "$EMU_DIR/java/EmuCheck.java" --manifest "$OUT/pcr-manifest.json" --document "$DOC" --nonce "$NONCE" \
  --user-data "$USER_TEXT" --public-key "$PUBKEY" --module-id "$MODULE_ID" >"$ART/cli.check.txt" 2>&1 || rc=$?
cat "$ART/cli.check.txt" >&2
[ $rc -eq 0 ] || die "EmuCheck of the CLI's document failed (status $rc)"

step "attested nsm attest | attested verify (on the host, standard input, --manifest and the expected values)"
vrc=0
cat "$DOC" | "$JAVA" -jar "$JAR" verify --manifest "$OUT/pcr-manifest.json" --nonce "$NONCE" \
  --user-data "$USER_HEX" --public-key "$PUBKEY" >"$ART/cli.verify.txt" 2>"$ART/cli.verify.err" || vrc=$?
cat "$ART/cli.verify.txt" "$ART/cli.verify.err" >&2
last="$(tail -1 "$ART/cli.verify.txt")"
EXPECTED='verified: false (UNSUPPORTED_ALGORITHM)'
[ "$vrc" -eq 1 ] && [ "$last" = "$EXPECTED" ] \
  || die "attested verify of the unsigned emulator document: expected exit 1 and '$EXPECTED', found exit $vrc and '$last'"
log "ok    attested verify rejects the unsigned emulator document: exit 1, $EXPECTED"
step "done"
