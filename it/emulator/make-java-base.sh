#!/usr/bin/env bash
# Makes a Java 25 base image for enclave applications, offline and reproducible: a jlink'ed runtime of the
# local JDK plus exactly the shared libraries it links (ldd) and the dynamic loader, as a `docker save`
# tarball (one layer) usable as build-eif's base image `tar://OUT.tar`.
#
# Usage: it/emulator/make-java-base.sh OUT.tar
# Env:   JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64: its jlink and jmods)
#        JAVA_BASE_MODULES (default below), JAVA_BASE_TAG (default attested/java-base:25)
#        SOURCE_DATE_EPOCH (default 0): every mtime and the image's created time
# Image: /usr/lib/jvm/java-25 (runtime), /usr/bin/java -> that java (AWS's init looks commands up in
#        /sbin:/usr/sbin:/bin:/usr/bin), /usr/lib/x86_64-linux-gnu/<libs>, /lib64/ld-linux-x86-64.so.2,
#        /lib -> usr/lib, /etc/passwd + /etc/group (root), /tmp; Env PATH and JAVA_HOME; no Cmd/Entrypoint
#        (nitro-cli would run a base Cmd instead of the application's Entrypoint, docs/spec/eif-format.md §9.2).
# Determinism: sorted entries, mtime SOURCE_DATE_EPOCH, uid/gid 0, modes 0755 (dirs, executables) or 0644.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUT.tar"
OUT="$1"
JDK="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MODULES="${JAVA_BASE_MODULES:-java.base,java.logging,java.naming,java.net.http,java.xml,jdk.crypto.ec,jdk.unsupported}"
TAG="${JAVA_BASE_TAG:-attested/java-base:25}"
[ -x "$JDK/bin/jlink" ] || die "no jlink in $JDK (set JAVA_HOME to a JDK 25)"
"$JDK/bin/java" -version 2>&1 | grep -q 'version "25' || die "$JDK is not a JDK 25"
for t in ldd strip tar sha256sum; do command -v $t >/dev/null || die "$t is required"; done

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
root="$work/rootfs"; rt_rel="usr/lib/jvm/java-25"; rt="$root/$rt_rel"
mkdir -p "$root/usr/bin" "$root/usr/lib/x86_64-linux-gnu" "$root/usr/lib64" "$root/etc" "$root/tmp" "$(dirname "$rt")"

log "jlink $MODULES"
timeout 600 "$JDK/bin/jlink" --add-modules "$MODULES" --output "$rt" --strip-debug --no-header-files \
  --no-man-pages --compress=zip-6 --generate-cds-archive >&2 || die "jlink failed"
# Debug symbols of the native libraries are not needed in an enclave (and make the ramdisk much larger).
find "$rt" -name '*.so' -type f -exec strip --strip-debug {} +
# The no-compressed-oops CDS archive only serves heaps over 32 GB.
rm -f "$rt/lib/server/classes_nocoops.jsa"

# The libraries the runtime links, and the loader; placed at Debian's merged-/usr paths.
mapfile -t libs < <(find "$rt" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
  | awk '/=> \//{print $3} /^[ \t]*\/.*ld-linux/{print $1}' | sort -u)
[ ${#libs[@]} -gt 0 ] || die "ldd found no libraries for the runtime"
for l in "${libs[@]}"; do
  case "$l" in "$rt"/*) continue ;; esac
  real="$(readlink -f "$l")"
  [ -f "$real" ] || die "library $l does not resolve"
  name="$(basename "$l")"
  if [[ "$name" == ld-linux-x86-64.so.2 ]]; then
    cp "$real" "$root/usr/lib/x86_64-linux-gnu/$name"
    ln -sfn ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/usr/lib64/ld-linux-x86-64.so.2"
  else
    cp "$real" "$root/usr/lib/x86_64-linux-gnu/$name"
  fi
done
ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
ln -s "../lib/jvm/java-25/bin/java" "$root/usr/bin/java"
printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

jver="$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/{print $2}')"
mkdir -p "$root/tmp"
pack_docker_save "$root" "$OUT" "$TAG" '{"Env":["PATH=/usr/lib/jvm/java-25/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-25"],"Labels":{"dev.attested.java-modules":"'"$MODULES"'","dev.attested.java-runtime":"'"$jver"'"}}'
layer_sha="$PACKED_LAYER_SHA"
log "java base image $OUT ($(du -h "$OUT" | cut -f1), runtime $jver, modules $MODULES, layer sha256:$layer_sha)"
