#!/usr/bin/env bash
# Builds qemu-system-x86_64 with the `nitro-enclave` machine from Debian bookworm-backports' QEMU source
# (docs/spec/qemu-nitro-enclave.md §3) and fetches the vhost-device-vsock backend from sid (§5.2). Both are
# cached under $ATTESTED_CACHE; a cache hit only re-checks the runtime packages and the `-M help` line.
#
# Usage: it/emulator/qemu-build.sh                 prints the QEMU binary path on stdout (last line)
#        it/emulator/qemu-build.sh --resolve-only  chooses the versions, downloads and verifies the QEMU source
#                                                  tarball and the vsock .deb, prints what it chose; builds nothing
# Env:   QEMU_BUILD_JOBS (default nproc), QEMU_BUILD_TIMEOUT seconds (default 2400)
#        QEMU_SRC_VERSION=<Debian version> / VSOCK_VERSION=<Debian version> force that exact version (it must still
#        be in the index; its SHA-256 still comes from the index)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Tested ranges (qemu-nitro-enclave.md §3.1, §5.2). The newest version the signed index offers within each range is
# used; its SHA-256 comes from that index and the download is checked against it. Widen a range only after a
# green emulator run with a version from the new range.
QEMU_RANGE="10.0"                 # QEMU upstream 10.0.x ...
QEMU_SUITE="bookworm-backports"   # ... from this suite's Sources index (source package qemu, .orig.tar.xz only)
VSOCK_PKG="vhost-device-vsock"
VSOCK_RANGE="0.3"                 # vhost-device-vsock 0.3.x ...
VSOCK_SUITE="sid"                 # ... from Debian sid's Packages index (private apt state)
CONFIGURE_FLAGS=(--python=/usr/bin/python3 --target-list=x86_64-softmmu --enable-kvm --disable-docs
  --without-default-features --enable-libcbor --enable-gnutls --enable-fdt=system --enable-vhost-user
  --disable-tools --disable-install-blobs --disable-download --disable-werror)

# The runtime needs of the binary (qemu-nitro-enclave.md §3.5): libraries and firmware.
install_runtime() {
  apt_install libcbor0.8 libfdt1 libgnutls30 libglib2.0-0 zlib1g libpixman-1-0
  apt_install -t bookworm-backports qemu-system-data seabios
}

# Chooses the QEMU source version (QEMU_SRC_VERSION forces one) and reads its .orig.tar.xz name and SHA-256 from the
# signed Sources index. Sets QEMU_SRC_VERSION, QEMU_ORIG, QEMU_ORIG_SHA256 and logs them.
resolve_qemu() {
  local offered how
  offered="$(suite_versions "$QEMU_SUITE" Sources qemu | awk '{print $2}')"
  choose_version "qemu source in the $QEMU_SUITE Sources index" "$QEMU_RANGE" QEMU_SRC_VERSION "$offered" \
    "Is the deb-src entry missing? Or test a newer QEMU and widen QEMU_RANGE in $0"
  QEMU_SRC_VERSION="$CHOSEN"; how="$CHOSEN_HOW"
  local line
  line="$(apt-cache showsrc qemu 2>/dev/null | awk -v v="$QEMU_SRC_VERSION" '
    /^Package: /{ver=""} /^Version: /{ver=$2} /^Checksums-Sha256:/{c=1;next} /^[^ ]/{c=0}
    c && ver==v && $3 ~ /[.]orig[.]tar[.]xz$/ && !d {print $1, $3; d = 1}')"
  [ -n "$line" ] || die "the Sources index lists qemu $QEMU_SRC_VERSION without a .orig.tar.xz in Checksums-Sha256"
  QEMU_ORIG_SHA256="${line%% *}"; QEMU_ORIG="${line#* }"
  if ! [[ "$QEMU_ORIG_SHA256" =~ ^[0-9a-f]{64}$ && "$QEMU_ORIG" =~ ^qemu_[A-Za-z0-9.+~]+\.orig\.tar\.xz$ ]]; then
    die "unexpected Checksums-Sha256 entry for qemu $QEMU_SRC_VERSION: $line"
  fi
  log "qemu source $QEMU_SRC_VERSION ($how, $QEMU_SUITE), $QEMU_ORIG sha256 $QEMU_ORIG_SHA256"
}

# The .orig tarball in $ATTESTED_CACHE/src, downloaded if needed; always checked against the index's SHA-256.
fetch_qemu_source() {
  mkdir -p "$ATTESTED_CACHE/src"
  QEMU_TARBALL="$ATTESTED_CACHE/src/$QEMU_ORIG"
  if [ ! -f "$QEMU_TARBALL" ] || [ "$(sha256sum "$QEMU_TARBALL" | cut -d' ' -f1)" != "$QEMU_ORIG_SHA256" ]; then
    log "downloading $QEMU_ORIG"
    local dl; dl="$(mktemp -d "$ATTESTED_CACHE/src/dl.XXXXXX")"
    # The .dsc/.debian.tar.xz may 404 (qemu-nitro-enclave.md §3.1): ignore the status, check the tarball.
    (cd "$dl" && timeout 600 apt-get "${APT_OPTS[@]}" source --download-only "qemu=$QEMU_SRC_VERSION" >&2) || true
    [ -f "$dl/$QEMU_ORIG" ] || { rm -rf "$dl"; die "apt-get source did not fetch $QEMU_ORIG"; }
    sha256_check "$dl/$QEMU_ORIG" "$QEMU_ORIG_SHA256"
    mv -f "$dl/$QEMU_ORIG" "$QEMU_TARBALL"; rm -rf "$dl"
  fi
  sha256_check "$QEMU_TARBALL" "$QEMU_ORIG_SHA256"
}

# The cache key: the chosen tarball's SHA-256 (so a new upstream version rebuilds), the flags and the release.
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
  fetch_qemu_source
  rm -rf "$work"; mkdir -p "$work/qemu"
  log "extracting QEMU source"
  tar -xJf "$QEMU_TARBALL" -C "$work/qemu" --strip-components=1
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

# vhost-device-vsock from sid through a private apt state (the system's apt configuration is untouched).
VSOCK_APT="$ATTESTED_CACHE/apt-sid"
vsock_apt_opts() {
  VSOCK_OPTS=("${APT_OPTS[@]}" -o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$VSOCK_APT"
    -o "Dir::State::Lists=$VSOCK_APT/lists" -o "Dir::Cache=$VSOCK_APT/cache" -o Dir::State::status=/var/lib/dpkg/status)
}

# Chooses the vhost-device-vsock version (VSOCK_VERSION forces one) from sid's signed Packages index, refreshed at
# most once an hour. Sets VSOCK_VERSION, VSOCK_SHA256 and logs them.
resolve_vsock() {
  mkdir -p "$VSOCK_APT/lists/partial" "$VSOCK_APT/cache/archives/partial" "$VSOCK_APT/debs"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' "Suites: $VSOCK_SUITE" 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$VSOCK_APT/sid.sources"
  vsock_apt_opts
  if [ -z "$(find "$VSOCK_APT/lists/.attested-updated" -mmin -60 2>/dev/null)" ]; then
    log "apt-get update ($VSOCK_SUITE, private apt state)"
    timeout 600 apt-get "${VSOCK_OPTS[@]}" update >&2 || die "apt-get update for $VSOCK_SUITE failed"
    touch "$VSOCK_APT/lists/.attested-updated"
  fi
  local offered how
  offered="$(suite_versions "$VSOCK_SUITE" Packages "$VSOCK_PKG" -- "${VSOCK_OPTS[@]}" | awk '{print $2}')"
  choose_version "$VSOCK_PKG in the $VSOCK_SUITE Packages index" "$VSOCK_RANGE" VSOCK_VERSION "$offered" \
    "Test a newer one and widen VSOCK_RANGE in $0"
  VSOCK_VERSION="$CHOSEN"; how="$CHOSEN_HOW"
  VSOCK_SHA256="$(apt-cache "${VSOCK_OPTS[@]}" show "$VSOCK_PKG=$VSOCK_VERSION" 2>/dev/null | awk '/^SHA256: / && !d {print $2; d = 1}')"
  [[ "$VSOCK_SHA256" =~ ^[0-9a-f]{64}$ ]] || die "the $VSOCK_SUITE index has no SHA256 for $VSOCK_PKG=$VSOCK_VERSION"
  log "$VSOCK_PKG $VSOCK_VERSION ($how, $VSOCK_SUITE), deb sha256 $VSOCK_SHA256"
}

# Downloads (if needed), verifies and unpacks the chosen .deb; the unpacked tree is reused while its hash matches.
fetch_vsock() {
  local dir="$ATTESTED_CACHE/vhost-device-vsock-$VSOCK_VERSION"
  [ -x "$dir/usr/bin/vhost-device-vsock" ] && [ "$(cat "$dir/deb.sha256" 2>/dev/null)" = "$VSOCK_SHA256" ] && return 0
  local deb="$VSOCK_APT/debs/${VSOCK_PKG}_${VSOCK_VERSION//:/%3a}_amd64.deb"
  if [ ! -f "$deb" ] || [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$VSOCK_SHA256" ]; then
    log "downloading $VSOCK_PKG $VSOCK_VERSION from Debian $VSOCK_SUITE"
    local dl; dl="$(mktemp -d "$VSOCK_APT/debs/dl.XXXXXX")"
    (cd "$dl" && timeout 300 apt-get "${VSOCK_OPTS[@]}" download "$VSOCK_PKG=$VSOCK_VERSION" >&2) \
      || { rm -rf "$dl"; die "cannot download $VSOCK_PKG=$VSOCK_VERSION from $VSOCK_SUITE"; }
    sha256_check "$dl"/*.deb "$VSOCK_SHA256"
    mv -f "$dl"/*.deb "$deb"; rm -rf "$dl"
  fi
  sha256_check "$deb" "$VSOCK_SHA256"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
  dpkg-deb -x "$deb" "$dir.tmp"
  [ -x "$dir.tmp/usr/bin/vhost-device-vsock" ] || die "$deb has no usr/bin/vhost-device-vsock"
  printf '%s\n' "$VSOCK_SHA256" >"$dir.tmp/deb.sha256"
  rm -rf "$dir"; mv "$dir.tmp" "$dir"
}

# What the last successful run chose, for boot.sh (`--paths`): the index may move between two commands.
PATHS_FILE="$ATTESTED_CACHE/qemu-build.paths"

main() {
  mkdir -p "$ATTESTED_CACHE"
  ensure_backports
  resolve_qemu
  resolve_vsock
  if [ "${1:-}" = "--resolve-only" ]; then
    fetch_qemu_source
    fetch_vsock
    printf 'qemu-source %s %s %s\nqemu-bin %s\nvsock %s %s\nvsock-bin %s\n' \
      "$QEMU_SRC_VERSION" "$QEMU_ORIG" "$QEMU_ORIG_SHA256" "$ATTESTED_CACHE/qemu-$(qemu_key)/qemu-system-x86_64" \
      "$VSOCK_VERSION" "$VSOCK_SHA256" "$ATTESTED_CACHE/vhost-device-vsock-$VSOCK_VERSION/usr/bin/vhost-device-vsock"
    return 0
  fi
  [ $# -eq 0 ] || die "usage: $0 [--resolve-only]"
  local out; out="$ATTESTED_CACHE/qemu-$(qemu_key)/qemu-system-x86_64"
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
  printf 'QEMU_BIN\t%s\nVSOCK_BIN\t%s\n' "$out" "$ATTESTED_CACHE/vhost-device-vsock-$VSOCK_VERSION/usr/bin/vhost-device-vsock" \
    >"$PATHS_FILE.tmp.$$" && mv -f "$PATHS_FILE.tmp.$$" "$PATHS_FILE"
  printf '%s\n' "$out"
}

# Paths for other scripts: `source qemu-build.sh --paths` sets QEMU_BIN / VSOCK_BIN (what the last run of this
# script built and fetched) without building or asking the index.
if [ "${1:-}" = "--paths" ]; then
  QEMU_BIN=""; VSOCK_BIN=""
  if [ -f "$PATHS_FILE" ]; then
    while IFS=$'\t' read -r k v; do
      case "$k" in QEMU_BIN) QEMU_BIN="$v" ;; VSOCK_BIN) VSOCK_BIN="$v" ;; esac
    done <"$PATHS_FILE"
  fi
  return 0 2>/dev/null || { printf '%s\n%s\n' "$QEMU_BIN" "$VSOCK_BIN"; exit 0; }
fi
main "$@"
