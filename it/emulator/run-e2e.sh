#!/usr/bin/env bash
# End-to-end emulator test: boots EIFs built by the project's own builder in QEMU's nitro-enclave
# machine and checks, on the host, the attestation documents the enclave produced through the real kernel
# driver. From a fresh Debian 12 machine (root or sudo; JDK 25 at $JAVA_HOME); exits non-zero on any failure.
#
# Usage: it/emulator/run-e2e.sh [probe|sample|cli|repro|all]   (default all)
#   probe   the static NSM probe: unsigned, parent-role/parent-id and signed EIFs; console and vsock read-back
#   sample  the sample enclave built by build-eif on the jlink'ed Java base image (sample-e2e.sh)
#   cli     `attested nsm attest` inside the enclave, its document checked and piped into `attested verify` (cli-e2e.sh)
#   repro   development blobs and Java base image byte-identical across two runs (check-reproducible.sh)
# Env:   EMU_ARTIFACTS (default target/emulator): consoles, EIFs, manifests, check output (keep as CI artifacts)
#        EMU_ACCEL=kvm to try KVM; ATTESTED_CACHE / XDG_CACHE_HOME for the cache (QEMU, kernel .deb, sid .deb)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WHAT="${1:-all}"
REPO="$(cd "$EMU_DIR/../.." && pwd)"
ART="${EMU_ARTIFACTS:-$REPO/target/emulator}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
[ -x "$JAVA" ] && "$JAVA" -version 2>&1 | grep -q 'version "2[5-9]' || die "JDK 25 needed at JAVA_HOME ($JAVA_HOME)"
apt_install openssl
rm -rf "$ART"; mkdir -p "$ART"
T0=$SECONDS
step() { log "[$((SECONDS - T0))s] $*"; }

step "version choice from the apt index (offline test)"
"$EMU_DIR/test-pins.sh" >&2 || die "test-pins.sh failed"
step "QEMU with nitro-enclave + vhost-device-vsock"
"$EMU_DIR/qemu-build.sh" >/dev/null
step "development boot blobs"
"$EMU_DIR/make-dev-blobs.sh" "$ART/blobs" 2>"$ART/blobs.log" || { cat "$ART/blobs.log" >&2; die "make-dev-blobs.sh failed"; }

step "core classes and classpath"
(cd "$REPO" && ./mvnw -B -q -pl attestation-core -am compile dependency:build-classpath \
   -Dmdep.outputFile="$ART/core.classpath" >"$ART/maven.log" 2>&1) || { tail -30 "$ART/maven.log" >&2; die "maven build of attestation-core failed"; }
CP="$REPO/attestation-core/target/classes:$(cat "$ART/core.classpath")"
jrun() { "$JAVA" -cp "$CP" "$@" 2> >(grep -v -e '^WARNING' >&2); }

FAILED=()
probe_tests() {
  step "probe image and EIFs (unsigned, signed)"
  "$EMU_DIR/make-probe-image.sh" "$ART/probe.tar"
  jrun "$EMU_DIR/java/EmuEif.java" "$ART/blobs" "$ART/probe.tar" "$ART/probe" probe >"$ART/probe.build.txt" 2>&1 \
    || { cat "$ART/probe.build.txt" >&2; die "building the probe EIF failed"; }
  # Signed variant: a fresh P-384 key and self-signed certificate (PCR8 comes from the certificate).
  mkdir -p "$ART/signing"
  openssl ecparam -name secp384r1 -genkey -noout -out "$ART/signing/key.pem" 2>/dev/null
  openssl req -new -x509 -key "$ART/signing/key.pem" -out "$ART/signing/cert.pem" -days 30 -subj "/CN=emulator-ci" 2>/dev/null \
    || die "openssl could not make a signing certificate"
  jrun "$EMU_DIR/java/EmuEif.java" "$ART/blobs" "$ART/probe.tar" "$ART/probe-signed" probe \
    "$ART/signing/key.pem" "$ART/signing/cert.pem" >"$ART/probe-signed.build.txt" 2>&1 \
    || { cat "$ART/probe-signed.build.txt" >&2; die "building the signed probe EIF failed"; }

  local nonce role="arn:aws:iam::123456789012:role/ci" pid="i-0123456789abcdef0"
  nonce="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  run_probe probe "$ART/probe" "" "" "$nonce"
  run_probe probe-parent "$ART/probe" "$role" "$pid" "$nonce"
  run_probe probe-signed "$ART/probe-signed" "" "" "$nonce"
}

# run_probe NAME EIFDIR ROLE PARENT_ID NONCE: one boot; checks over vsock (fresh nonce) and from the console
run_probe() {
  local name="$1" dir="$2" role="$3" pid="$4" nonce="$5" opts=() checks=()
  [ -n "$role" ] && opts+=(--parent-role "$role") && checks+=(--parent-role "$role")
  [ -n "$pid" ] && opts+=(--parent-id "$pid") && checks+=(--parent-id "$pid")
  step "boot $name"
  local rc=0
  "$EMU_DIR/boot.sh" "$dir/probe.eif" --console "$ART/$name.console.log" --timeout 240 --memory 256M \
    --append "emu.nonce=$nonce" "${opts[@]}" -- \
    bash -c 'exec "$0" -cp "$1" "$2" --manifest "$3" --uds "$EMU_VSOCK_UDS" --port 5000 "${@:4}"' \
      "$JAVA" "$CP" "$EMU_DIR/java/EmuCheck.java" "$dir/pcr-manifest.json" --user-data emu-probe "${checks[@]}" \
    >"$ART/$name.vsock-check.txt" 2>&1 || rc=$?
  grep -v '^WARNING' "$ART/$name.vsock-check.txt" >&2 || true
  [ $rc -eq 0 ] || { FAILED+=("$name (vsock, status $rc)"); return 0; }
  jrun "$EMU_DIR/java/EmuCheck.java" --manifest "$dir/pcr-manifest.json" --console "$ART/$name.console.log" \
    --nonce "$nonce" --user-data emu-probe "${checks[@]}" >"$ART/$name.console-check.txt" 2>&1 || rc=$?
  cat "$ART/$name.console-check.txt" >&2
  [ $rc -eq 0 ] || FAILED+=("$name (console)")
}

# cli_stage: the CLI stage, timed.
cli_stage() {
  local s=$SECONDS
  step "cli stage: attested nsm attest in the enclave | attested verify on the host"
  "$EMU_DIR/cli-e2e.sh" "$ART" "$CP" || FAILED+=("cli")
  step "cli stage took $((SECONDS - s)) s"
}

case "$WHAT" in
  probe) probe_tests ;;
  repro) "$EMU_DIR/check-reproducible.sh" "$ART/repro" || FAILED+=("reproducibility") ;;
  sample) "$EMU_DIR/sample-e2e.sh" "$ART" "$CP" || FAILED+=("sample") ;;
  cli) cli_stage ;;
  all) step "reproducibility of the development blobs and the Java base image"
       "$EMU_DIR/check-reproducible.sh" "$ART/repro" >&2 || FAILED+=("reproducibility")
       probe_tests
       if [ -x "$EMU_DIR/sample-e2e.sh" ]; then "$EMU_DIR/sample-e2e.sh" "$ART" "$CP" || FAILED+=("sample"); fi
       cli_stage ;;
  *) die "usage: $0 [probe|sample|cli|repro|all]" ;;
esac

step "done"
if [ ${#FAILED[@]} -gt 0 ]; then
  printf '[emu] FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
log "emulator end-to-end: PASS ($((SECONDS - T0)) s; artifacts in $ART)"
