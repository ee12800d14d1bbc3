#!/usr/bin/env bash
# The sample enclave in the emulator: build-eif (native mode, development blobs, the jlink'ed
# Java base image) builds the sample enclave's EIF; the harness boots it; the parent side connects over the
# vsock backend's Unix socket, sends a fresh nonce and checks the attestation document the enclave obtained
# from /dev/nsm through FfmNsm: PCR0/1/2 = pcr-manifest.json, nonce echoed, public key bound, locked PCRs
# 0..15 listed, PCR3/PCR4 = the core's helpers for the parent-role/parent-id machine options, and the real
# verifier rejects it (QEMU signs nothing). Called by run-e2e.sh.
#
# Usage: it/emulator/sample-e2e.sh ARTIFACTS_DIR CORE_CLASSPATH   (expects ARTIFACTS_DIR/blobs from run-e2e.sh)
# Env:   EMU_M2 (default ARTIFACTS_DIR/m2): a private Maven repository for the plugin and the sample, chained
#        to ~/.m2/repository (nothing is installed into the shared one)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || die "usage: $0 ARTIFACTS_DIR CORE_CLASSPATH"
ART="$1"; CP="$2"
REPO="$(cd "$EMU_DIR/../.." && pwd)"
JAVA="$JAVA_HOME/bin/java"
M2="${EMU_M2:-$ART/m2}"
MVN=("$REPO/mvnw" -B -q "-Dmaven.repo.local=$M2" "-Dmaven.repo.local.tail=$HOME/.m2/repository")
VERSION="0.1.0-SNAPSHOT"
T0=$SECONDS
step() { log "[sample $((SECONDS - T0))s] $*"; }
[ -d "$ART/blobs" ] || die "no development blobs in $ART/blobs (run run-e2e.sh)"

step "plugin and sample into the private repository $M2"
(cd "$REPO" && "${MVN[@]}" -pl attestation-maven-plugin,sample-enclave -am install -DskipTests -DskipITs \
   >"$ART/sample-install.log" 2>&1) || { tail -40 "$ART/sample-install.log" >&2; die "maven install (private repository) failed"; }

step "Java base image"
"$EMU_DIR/make-java-base.sh" "$ART/java-base.tar"

step "build-eif (native, development blobs, base tar://java-base.tar) through the sample pom's eif profile"
(cd "$REPO/sample-enclave" && "${MVN[@]}" package -DskipTests \
   "-Dattestation.blobs=$ART/blobs" "-Dattestation.baseImage=tar://$ART/java-base.tar" \
   "-Dattestation.outputDirectory=$ART/sample" \
   >"$ART/sample-build-eif.log" 2>&1) || { tail -40 "$ART/sample-build-eif.log" >&2; die "build-eif of the sample failed"; }
EIF="$(ls "$ART"/sample/*.eif | head -1)"
[ -f "$EIF" ] && [ -f "$ART/sample/pcr-manifest.json" ] || die "build-eif wrote no EIF/manifest into $ART/sample"
size_mb=$(( $(stat -c %s "$EIF") / 1048576 ))
mem=$(( size_mb * 4 > 768 ? size_mb * 4 : 768 ))   # nitro-cli's floor is 4 x the EIF size (docs/spec/qemu-nitro-enclave.md §6.5)
step "boot $(basename "$EIF") (${size_mb} MB, -m ${mem}M)"
ROLE="arn:aws:iam::123456789012:role/ci"; PARENT="i-0123456789abcdef0"
boot_sample() {
  rc=0
  "$EMU_DIR/boot.sh" "$EIF" --console "$ART/sample.console.log" --timeout 600 --memory "${mem}M" --cpus 2 \
    --parent-role "$ROLE" --parent-id "$PARENT" -- \
    "$JAVA" -cp "$CP" "$EMU_DIR/java/EmuCheck.java" --manifest "$ART/sample/pcr-manifest.json" --protocol sample \
    --parent-role "$ROLE" --parent-id "$PARENT" \
    >"$ART/sample.check.txt" 2>&1 || rc=$?
  grep -v '^WARNING' "$ART/sample.check.txt" >&2 || true
}
# QEMU's known virtio-nsm fault while the guest kernel boots gets one more boot (lib.sh).
boot_again_on_nsm_fault "$ART/sample.console.log" boot_sample
step "done (status $rc)"
exit $rc
