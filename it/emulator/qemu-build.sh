#!/usr/bin/env bash
# Builds qemu-system-x86_64 with the `nitro-enclave` machine from Debian bookworm-backports' QEMU source
# (docs/spec/qemu-nitro-enclave.md §3) and fetches the vhost-device-vsock backend from sid (§5.2). Both are
# cached under $ATTESTED_CACHE; a cache hit only re-checks the runtime packages and the `-M help` line.
#
# Usage: it/emulator/qemu-build.sh            prints the QEMU binary path on stdout (last line)
# Env:   QEMU_BUILD_JOBS (default nproc), QEMU_BUILD_TIMEOUT seconds (default 2400)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pinned inputs (qemu-nitro-enclave.md §3.1, §5.2). The .orig tarball hash is re-checked against the signed
# Sources index.
QEMU_SRC_VERSION="1:10.0.2+ds-2+deb13u1~bpo12+1"
QEMU_ORIG="qemu_10.0.2+ds.orig.tar.xz"
QEMU_ORIG_SHA256="0901da33844a331bf8b3602b9c1fbd178e60b737c8e3ade678255bd090c9b9f1"
CONFIGURE_FLAGS=(--python=/usr/bin/python3 --target-list=x86_64-softmmu --enable-kvm --disable-docs
  --without-default-features --enable-libcbor --enable-gnutls --enable-fdt=system --enable-vhost-user
  --disable-tools --disable-install-blobs --disable-download --disable-werror)
VSOCK_PKG="vhost-device-vsock"
VSOCK_VERSION="0.3.0-2"
VSOCK_SHA256="fd36382419cc174f00d9b1691486b581e13e8c1168dc339b86b2a65180a29ce7"   # the .deb, first fetched 2026-11-22

# The runtime needs of the binary (qemu-nitro-enclave.md §3.5): libraries and firmware.
install_runtime() {
  apt_install libcbor0.8 libfdt1 libgnutls30 libglib2.0-0 zlib1g libpixman-1-0
  apt_install -t bookworm-backports qemu-system-data seabios
}

qemu_key() {
  printf '%s\n' "$QEMU_ORIG_SHA256" "${CONFIGURE_FLAGS[*]}" "bookworm" | sha256sum | cut -c1-16
}

check_qemu() {
  "$1" -M help | grep -Eq '^nitro-enclave +AWS Nitro Enclave' \
    || die "$1 has no nitro-enclave machine (-M help lacks it); delete $(dirname "$1") to rebuild"
}

build_qemu() {
  local out="$1" work="$ATTESTED_CACHE/qemu-work"
  ensure_backports
  apt_install -t bookworm-backports meson python3-pycotap
  apt_install gcc make ninja-build pkgconf python3-venv flex bison libglib2.0-dev zlib1g-dev libpixman-1-dev \
    libcbor-dev libgnutls28-dev libfdt-dev bzip2 xz-utils dpkg-dev
  mkdir -p "$ATTESTED_CACHE/src"
  local tarball="$ATTESTED_CACHE/src/$QEMU_ORIG"
  # The hash in the signed Sources index must be the pinned one (otherwise the archive moved: update the pin).
  local indexed
  indexed="$(apt-cache showsrc qemu 2>/dev/null | awk -v v="$QEMU_SRC_VERSION" -v f="$QEMU_ORIG" '
    /^Package: /{ver=""} /^Version: /{ver=$2} /^Checksums-Sha256:/{c=1;next} /^[^ ]/{c=0}
    c && ver==v && $3==f {print $1; exit}')"
  [ -n "$indexed" ] || die "qemu source $QEMU_SRC_VERSION is not in the apt Sources index (bookworm-backports deb-src missing, or the version moved)"
  [ "$indexed" = "$QEMU_ORIG_SHA256" ] || die "Sources index lists $QEMU_ORIG with SHA-256 $indexed, pinned $QEMU_ORIG_SHA256"
  if [ ! -f "$tarball" ] || [ "$(sha256sum "$tarball" | cut -d' ' -f1)" != "$QEMU_ORIG_SHA256" ]; then
    log "downloading $QEMU_ORIG"
    local dl; dl="$(mktemp -d "$ATTESTED_CACHE/src/dl.XXXXXX")"
    # The .dsc/.debian.tar.xz may 404 (qemu-nitro-enclave.md §3.1): ignore the status, check the tarball.
    (cd "$dl" && timeout 600 apt-get "${APT_OPTS[@]}" source --download-only "qemu=$QEMU_SRC_VERSION" >&2) || true
    [ -f "$dl/$QEMU_ORIG" ] || die "apt-get source did not fetch $QEMU_ORIG"
    sha256_check "$dl/$QEMU_ORIG" "$QEMU_ORIG_SHA256"
    mv -f "$dl/$QEMU_ORIG" "$tarball"; rm -rf "$dl"
  fi
  sha256_check "$tarball" "$QEMU_ORIG_SHA256"
  rm -rf "$work"; mkdir -p "$work/qemu"
  log "extracting QEMU source"
  tar -xJf "$tarball" -C "$work/qemu" --strip-components=1
  # qemu-nitro-enclave.md §3.3: the +ds tarball lacks the edk2 images meson wants to unpack; empty bzip2 streams
  # stand in.
  local n
  for n in aarch64-code arm-code arm-vars riscv-code riscv-vars i386-code i386-secure-code i386-vars \
           x86_64-code x86_64-secure-code loongarch64-code loongarch64-vars; do
    [ -e "$work/qemu/pc-bios/edk2-$n.fd.bz2" ] || bzip2 -c </dev/null >"$work/qemu/pc-bios/edk2-$n.fd.bz2"
  done
  mkdir -p "$work/qemu/build"
  log "configure"
  (cd "$work/qemu/build" && PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 600 ../configure "${CONFIGURE_FLAGS[@]}" >"$work/configure.log" 2>&1) \
    || { tail -30 "$work/configure.log" >&2; die "QEMU configure failed (log: $work/configure.log)"; }
  local c
  for c in CONFIG_EIF CONFIG_MICROVM CONFIG_NITRO_ENCLAVE CONFIG_VHOST_USER_VSOCK CONFIG_VIRTIO_NSM; do
    grep -q "^$c=y" "$work/qemu/build/x86_64-softmmu-config-devices.mak" \
      || die "configure did not enable $c (is libcbor-dev installed?)"
  done
  log "ninja qemu-system-x86_64 (takes ~3-10 min on 2 cores)"
  (cd "$work/qemu/build" && PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout "${QEMU_BUILD_TIMEOUT:-2400}" \
      ninja -j"${QEMU_BUILD_JOBS:-$(nproc)}" qemu-system-x86_64 >"$work/ninja.log" 2>&1) \
    || { tail -30 "$work/ninja.log" >&2; die "QEMU build failed or timed out (log: $work/ninja.log)"; }
  mkdir -p "$(dirname "$out")"
  strip -o "$out.tmp" "$work/qemu/build/qemu-system-x86_64"
  mv -f "$out.tmp" "$out"
  rm -rf "$work"
}

fetch_vsock() {
  local dir="$ATTESTED_CACHE/vhost-device-vsock-$VSOCK_VERSION" 
  [ -x "$dir/usr/bin/vhost-device-vsock" ] && [ "$(cat "$dir/deb.sha256" 2>/dev/null)" = "$VSOCK_SHA256" ] && return 0
  log "fetching $VSOCK_PKG $VSOCK_VERSION from Debian sid (private apt state, system config untouched)"
  local apt="$ATTESTED_CACHE/apt-sid"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: sid' 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$apt/sid.sources"
  local opts=("${APT_OPTS[@]}" -o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/var/lib/dpkg/status)
  local deb="$apt/debs/${VSOCK_PKG}_${VSOCK_VERSION}_amd64.deb"
  if [ ! -f "$deb" ]; then
    timeout 600 apt-get "${opts[@]}" update >&2 || die "apt-get update for sid failed"
    (cd "$apt/debs" && timeout 300 apt-get "${opts[@]}" download "$VSOCK_PKG=$VSOCK_VERSION" >&2) \
      || die "cannot download $VSOCK_PKG=$VSOCK_VERSION from sid (sid moves: update VSOCK_VERSION in $0)"
    # apt-get download verified the file against the signed index; record that hash.
    local want; want="$(apt-cache "${opts[@]}" show "$VSOCK_PKG=$VSOCK_VERSION" | awk '/^SHA256: /{print $2; exit}')"
    sha256_check "$deb" "$want"
  fi
  sha256_check "$deb" "$VSOCK_SHA256"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
  dpkg-deb -x "$deb" "$dir.tmp"
  sha256sum "$deb" | cut -d' ' -f1 >"$dir.tmp/deb.sha256"
  rm -rf "$dir"; mv "$dir.tmp" "$dir"
}

main() {
  mkdir -p "$ATTESTED_CACHE"
  local out="$ATTESTED_CACHE/qemu-$(qemu_key)/qemu-system-x86_64"
  ensure_backports
  install_runtime
  if [ ! -x "$out" ]; then
    exec 9>"$ATTESTED_CACHE/qemu-build.lock"
    flock -w 3600 9 || die "another qemu-build.sh holds $ATTESTED_CACHE/qemu-build.lock"
    [ -x "$out" ] || build_qemu "$out"
  else
    log "QEMU cached: $out"
  fi
  check_qemu "$out"
  fetch_vsock
  printf '%s\n' "$out"
}

# Paths for other scripts: `source qemu-build.sh --paths` sets QEMU_BIN / VSOCK_BIN without building.
if [ "${1:-}" = "--paths" ]; then
  QEMU_BIN="$ATTESTED_CACHE/qemu-$(qemu_key)/qemu-system-x86_64"
  VSOCK_BIN="$ATTESTED_CACHE/vhost-device-vsock-$VSOCK_VERSION/usr/bin/vhost-device-vsock"
  return 0 2>/dev/null || { printf '%s\n%s\n' "$QEMU_BIN" "$VSOCK_BIN"; exit 0; }
fi
main "$@"
