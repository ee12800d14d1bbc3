#!/usr/bin/env bash
# Makes a DEVELOPMENT boot blob set for the emulated Nitro Enclave (QEMU -M nitro-enclave): FOR DEVELOPMENT
# AND CI ONLY. Its PCR1 (and so PCR0) differs from an EIF built with AWS's blobs; PCR2 is unaffected.
#
# Usage: it/emulator/make-dev-blobs.sh OUTDIR
# Writes OUTDIR/{bzImage,bzImage.config,cmdline,init,nsm.ko} — the layout of nitro-cli's blobs directory
# (docs/spec/eif-format.md §9.1), usable as build-eif's blobs directory — plus OUTDIR/SOURCES (provenance, not a blob).
#   bzImage, bzImage.config  Debian bookworm-backports kernel (pinned version and SHA-256 below)
#   nsm.ko                   that kernel's nsm driver, decompressed
#   init                     static C init (init/init.c) with virtio_mmio and the vsock modules embedded
#   cmdline                  console=ttyS0 ... (docs/spec/qemu-nitro-enclave.md §6.2, plus nokaslr)
# Same inputs give the same bytes; all files get mode 0644 (init 0755) and mtime SOURCE_DATE_EPOCH (default 0).
# Env: DEV_KERNEL_PKG / DEV_KERNEL_VERSION / DEV_KERNEL_SHA256 to use another kernel package.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
OUT="$1"

KPKG="${DEV_KERNEL_PKG:-linux-image-6.12.95+deb12-cloud-amd64}"
KVER_DEB="${DEV_KERNEL_VERSION:-6.12.95-1~bpo12+1}"
KSHA="${DEV_KERNEL_SHA256:-69c92f43b23821de79576fa4d7c86e2924ae2c1b247a47cc5ed9339e220fbcb7}"
CMDLINE="console=ttyS0 reboot=k panic=-1 pci=off random.trust_cpu=on nokaslr quiet"
EPOCH="${SOURCE_DATE_EPOCH:-0}"

apt_install gcc libc6-dev xz-utils binutils

# 1. The kernel .deb, cached with its SHA-256 (backports renames the package on updates: qemu-nitro-enclave.md §4.1).
debdir="$ATTESTED_CACHE/debs"; mkdir -p "$debdir"
deb="$debdir/${KPKG}_${KVER_DEB//:/%3a}_amd64.deb"
if [ ! -f "$deb" ] || [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$KSHA" ]; then
  ensure_backports
  idx="$(apt_deb_sha256 "$KPKG" "$KVER_DEB")"
  [ -n "$idx" ] || die "$KPKG=$KVER_DEB is not in the apt index (bookworm-backports moved on?). Set DEV_KERNEL_PKG/DEV_KERNEL_VERSION/DEV_KERNEL_SHA256 to a listed 6.12 kernel (apt-cache search linux-image-6.12) — PCR1 changes with it."
  [ "$idx" = "$KSHA" ] || die "the apt index lists $KPKG=$KVER_DEB with SHA-256 $idx, pinned $KSHA"
  tmp="$(mktemp -d "$debdir/dl.XXXXXX")"
  log "downloading $KPKG $KVER_DEB (~34 MB)"
  (cd "$tmp" && timeout 600 apt-get "${APT_OPTS[@]}" download "$KPKG=$KVER_DEB" >&2) || die "apt-get download $KPKG failed"
  sha256_check "$tmp"/*.deb "$KSHA"
  mv -f "$tmp"/*.deb "$deb"; rm -rf "$tmp"
fi
sha256_check "$deb" "$KSHA"

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/k"
kver="$(ls "$work/k/lib/modules")"
[ "$(echo "$kver" | wc -l)" -eq 1 ] || die "unexpected module trees in $deb: $kver"
grep -q '^CONFIG_NSM=m' "$work/k/boot/config-$kver" || die "$KPKG has no CONFIG_NSM=m"
mods="$work/k/lib/modules/$kver/kernel"
mkdir -p "$work/m"
for m in drivers/virtio/virtio_mmio drivers/misc/nsm net/vmw_vsock/vsock \
         net/vmw_vsock/vmw_vsock_virtio_transport_common net/vmw_vsock/vmw_vsock_virtio_transport; do
  [ -f "$mods/$m.ko.xz" ] || die "$KPKG lacks $m.ko.xz"
  xz -dc "$mods/$m.ko.xz" >"$work/m/$(basename "$m").ko"
done

# 2. The init: static, no build id, no debug info, stripped — deterministic for a given toolchain.
log "compiling init (gcc $(gcc -dumpfullversion), static)"
cp "$EMU_DIR/init/init.c" "$EMU_DIR/init/modules.S" "$work/m/"
(cd "$work/m" && gcc -static -O2 -Wall -Wextra -Werror -s -ffile-prefix-map="$work/m"=. \
    -Wl,--build-id=none -o init init.c modules.S) || die "compiling init failed"

# 3. Assemble, then move into place (nothing half-written under OUTDIR's final names).
stage="$work/out"; mkdir -p "$stage"
cp "$work/k/boot/vmlinuz-$kver" "$stage/bzImage"
cp "$work/k/boot/config-$kver" "$stage/bzImage.config"
printf '%s\n' "$CMDLINE" >"$stage/cmdline"
cp "$work/m/init" "$stage/init"
cp "$work/m/nsm.ko" "$stage/nsm.ko"
cat >"$stage/SOURCES" <<SRC
DEVELOPMENT BOOT BLOBS - for development and CI under QEMU -M nitro-enclave only.
They give a different PCR1 (and PCR0) than AWS's nitro-cli blobs. Do not use them for releases.
kernel-package: $KPKG $KVER_DEB (bookworm-backports) sha256 $KSHA
kernel-release: $kver
init: it/emulator/init/init.c, embeds virtio_mmio.ko vsock.ko vmw_vsock_virtio_transport_common.ko vmw_vsock_virtio_transport.ko
SRC
(cd "$stage" && sha256sum bzImage bzImage.config cmdline init nsm.ko >>SOURCES)
chmod 0644 "$stage"/*; chmod 0755 "$stage/init"
touch -h -d "@$EPOCH" "$stage"/*
mkdir -p "$OUT"
for f in bzImage bzImage.config cmdline init nsm.ko SOURCES; do mv -f "$stage/$f" "$OUT/$f"; done
log "development blobs in $OUT (PCR1 differs from AWS's blobs: development and CI only)"
cat "$OUT/SOURCES" >&2
