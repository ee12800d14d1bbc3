#!/usr/bin/env bash
# Benchmark of the attested jar as whole processes (docs/cli.md, "Speed"), each beside its baseline in one run:
#   describe-eif of a 256 MiB EIF           vs sha384sum of the same file (target <= 1.3x)
#   verify of a directory of real documents  vs a small Python verifier on Debian's python3-cbor2 and
#                                               python3-cryptography (bench/verify_py.py; target: faster)
#   start-up: attested --version             vs java -version
#   and the floor of any JVM verifier of the 4 documents: their chain signatures alone (ChainSignatureFloor.java),
#   with Bouncy Castle (the verifier's primitive), the JDK's SunEC and OpenSSL's libcrypto through FFM (Java 25)
# each on Java 17 and 25, through the launcher attestation-cli/attested (which makes and uses the JDK's start-up
# cache: AOT cache on 25, class-data sharing archive on 17) and as plain java -jar. Median of RUNS interleaved
# rounds (default 11) after a warm-up round.
# Needs: the jar (./mvnw -pl attestation-cli -am package -DskipTests), python3-cbor2 and python3-cryptography
# (apt-get install python3-cbor2 python3-cryptography), a JDK 17 ($JAVA17) and a JDK 25 ($JAVA_HOME or $JAVA25).
# Usage: attestation-cli/bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
RUNS=${1:-11}
JAR=$(ls attestation-cli/target/attested-*.jar 2>/dev/null | head -1 || true)
[ -n "$JAR" ] || { echo "bench: build the jar first: ./mvnw -pl attestation-cli -am package -DskipTests" >&2; exit 2; }
JAR=$(realpath "$JAR")
JAVA25=${JAVA25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
JAVA17=${JAVA17:-$(ls -d /usr/lib/jvm/*17* 2>/dev/null | sort | head -1)/bin/java}
PY=${PYTHON:-/usr/bin/python3}
"$PY" -c 'import cbor2, cryptography' 2>/dev/null \
  || { echo "bench: $PY lacks cbor2/cryptography: apt-get install python3-cbor2 python3-cryptography" >&2; exit 2; }
"$JAVA25" -version 2>&1 | grep -q 'version "25' || { echo "bench: $JAVA25 is not Java 25 (set JAVA25)" >&2; exit 2; }
"$JAVA17" -version 2>&1 | grep -q 'version "17' || { echo "bench: $JAVA17 is not Java 17 (set JAVA17)" >&2; exit 2; }
W=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$W/docs"
ROOT=$(realpath test-vectors/attestation/aws-nitro-enclaves-root-g1.pem)
cp test-vectors/attestation/*.b64 "$W/docs/"

# A 256 MiB EIF: a docker-save image of one layer holding 256 MiB of pseudo-random bytes, built by attested itself.
if [ ! -f "$W/eif/big-1.0.eif" ]; then
  "$PY" - "$W" <<'PYEOF'
import hashlib, io, json, os, sys, tarfile
w = sys.argv[1]
size = 256 * 1024 * 1024
class Stream(io.RawIOBase):
    def __init__(self): self.left, self.block, self.n = size, b"", 0
    def readable(self): return True
    def readinto(self, b):
        if self.left == 0: return 0
        if not self.block:
            self.block = hashlib.shake_256(self.n.to_bytes(8, "big")).digest(1 << 20); self.n += 1
        k = min(len(b), len(self.block), self.left)
        b[:k] = self.block[:k]; self.block = self.block[k:]; self.left -= k
        return k
with tarfile.open(os.path.join(w, "layer.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo("data.bin"); i.size = size; i.mode = 0o644; i.mtime = 0
    t.addfile(i, io.BufferedReader(Stream(), 1 << 20))
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/data.bin"]},
                     "rootfs": {"type": "layers", "diff_ids": []}}).encode()
with tarfile.open(os.path.join(w, "image.tar"), "w") as t:
    t.add(os.path.join(w, "layer.tar"), "layer/layer.tar")
    i = tarfile.TarInfo("config.json"); i.size = len(config); t.addfile(i, io.BytesIO(config))
    m = json.dumps([{"Config": "config.json", "RepoTags": ["big:1"], "Layers": ["layer/layer.tar"]}]).encode()
    i = tarfile.TarInfo("manifest.json"); i.size = len(m); t.addfile(i, io.BytesIO(m))
os.remove(os.path.join(w, "layer.tar"))
PYEOF
  "$JAVA25" -jar "$JAR" build-eif --image "$W/image.tar" --blobs it/cli/goal-vs-cli/blobs --output "$W/eif" \
    --name big --version 1.0 >/dev/null
  rm -f "$W/image.tar"
fi
EIF="$W/eif/big-1.0.eif"
echo "EIF: $(stat -c %s "$EIF") bytes"

# 100 documents: the four real ones, 25 copies each under other names (a directory of documents from a few
# enclaves); every copy is verified in full apart from the intermediate chain, which the verifier checks once.
# 24 documents the same way (6 copies each): near where attested overtakes the Python verifier.
for n in 24 100; do
  rm -rf "$W/docs$n" && mkdir -p "$W/docs$n"
  for i in $(seq -w 1 $((n / 4))); do for f in "$W"/docs/*.b64; do cp "$f" "$W/docs$n/$i-$(basename "$f")"; done; done
done

VERIFY="verify $W/docs --at document --any-image --allow-debug-mode"
VERIFY24="verify $W/docs24 --at document --any-image --allow-debug-mode"
VERIFY100="verify $W/docs100 --at document --any-image --allow-debug-mode"
# The launcher (attestation-cli/attested) makes its start-up cache on first use; the warm-up runs below make it.
LAUNCHER=attestation-cli/attested
export ATTESTED_JAR="$JAR" ATTESTED_CACHE_DIR="$W/cache"
L25="env JAVA_HOME=$(dirname "$(dirname "$JAVA25")") $LAUNCHER"
L17="env JAVA_HOME=$(dirname "$(dirname "$JAVA17")") $LAUNCHER"
$L25 --version >/dev/null
$L17 --version >/dev/null

# The floor of any JVM verifier of these documents: bench/ChainSignatureFloor.java checks only their chain
# signatures (a strict subset of the work), each primitive with an AOT cache of its own on 25: Bouncy Castle (the
# verifier's), the JDK's SunEC, and OpenSSL's libcrypto.so.3 (what the Python baseline calls) through the foreign
# function API. A floor that does not verify all 16 signatures is left out, with the reason.
FLOOR="$W/floor"
rm -rf "$FLOOR" && mkdir -p "$FLOOR/classes"
"$(dirname "$JAVA25")/javac" -nowarn -d "$FLOOR/classes" -cp "$JAR" attestation-cli/bench/ChainSignatureFloor.java
"$(dirname "$JAVA25")/jar" cf "$FLOOR/floor.jar" -C "$FLOOR/classes" .
FLOORS=()
for primitive in bc jdk openssl; do
  out=
  run="-XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp $JAR:$FLOOR/floor.jar ChainSignatureFloor $primitive $W/docs"
  if "$JAVA25" -XX:AOTCacheOutput="$FLOOR/$primitive.aot" $run >/dev/null 2>&1 \
      && out=$("$JAVA25" -XX:AOTCache="$FLOOR/$primitive.aot" -Xlog:disable $run 2>&1) && [ "$out" = "16 of 16 chain signatures verify" ]; then
    FLOORS+=("verify 4 real documents|floor: chain signatures alone, $primitive, Java 25, AOT cache|$JAVA25 -XX:TieredStopAtLevel=1 -XX:AOTCache=$FLOOR/$primitive.aot -Xlog:disable $run")
  else
    echo "bench: floor '$primitive' left out: ${out:-its AOT cache could not be made}" >&2
  fi
done

echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA25" -version 2>&1 | head -1); $("$JAVA17" -version 2>&1 | head -1)"
"$PY" attestation-cli/bench/measure.py "$RUNS" \
  "describe-eif 256 MiB|sha384sum|sha384sum $EIF" \
  "describe-eif 256 MiB|attested, Java 25, launcher|$L25 describe-eif $EIF" \
  "describe-eif 256 MiB|attested, Java 25, java -jar|$JAVA25 -jar $JAR describe-eif $EIF" \
  "describe-eif 256 MiB|attested, Java 17, launcher|$L17 describe-eif $EIF" \
  "verify 4 real documents|python3 verify_py.py|$PY attestation-cli/bench/verify_py.py $W/docs $ROOT" \
  "verify 4 real documents|attested, Java 25, launcher|$L25 $VERIFY" \
  "verify 4 real documents|attested, Java 25, java -jar|$JAVA25 -jar $JAR $VERIFY" \
  "verify 4 real documents|attested, Java 17, launcher|$L17 $VERIFY" \
  "verify 4 real documents|attested, Java 17, java -jar|$JAVA17 -jar $JAR $VERIFY" \
  "${FLOORS[@]}" \
  "verify 24 documents|python3 verify_py.py|$PY attestation-cli/bench/verify_py.py $W/docs24 $ROOT" \
  "verify 24 documents|attested, Java 25, launcher|$L25 $VERIFY24" \
  "verify 100 documents|python3 verify_py.py|$PY attestation-cli/bench/verify_py.py $W/docs100 $ROOT" \
  "verify 100 documents|attested, Java 25, launcher|$L25 $VERIFY100" \
  "verify 100 documents|attested, Java 17, launcher|$L17 $VERIFY100" \
  "start-up|java -version (25)|$JAVA25 -version" \
  "start-up|attested --version, Java 25, launcher|$L25 --version" \
  "start-up|attested --version, Java 25, java -jar|$JAVA25 -jar $JAR --version" \
  "start-up|attested --version, Java 17, launcher|$L17 --version"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$W"
echo "bench: $(( $(date +%s) - start )) s"
