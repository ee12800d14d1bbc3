#!/usr/bin/env bash
# Makes a DEVELOPMENT boot blob set for the emulated Nitro Enclave (QEMU -M nitro-enclave): FOR DEVELOPMENT
# AND CI ONLY. Its PCR1 (and so PCR0) differs from an EIF built with AWS's blobs; PCR2 is unaffected.
#
# Usage: it/emulator/make-dev-blobs.sh OUTDIR
#        it/emulator/make-dev-blobs.sh --resolve-only   chooses, downloads and verifies the kernel .deb, prints it
# Writes OUTDIR/{bzImage,bzImage.config,cmdline,init,nsm.ko} — the layout of nitro-cli's blobs directory
# (docs/spec/eif-format.md §9.1), usable as build-eif's blobs directory — plus OUTDIR/SOURCES (provenance, not a blob).
#   bzImage, bzImage.config  Debian bookworm-backports kernel (newest in the tested range below; SHA-256 from the index)
#   nsm.ko                   that kernel's nsm driver, decompressed
#   init                     static C init (init/init.c) with virtio_mmio and the vsock modules embedded
#   cmdline                  console=ttyS0 ... (docs/spec/qemu-nitro-enclave.md §6.2, plus nokaslr)
# Same inputs give the same bytes; all files get mode 0644 (init 0755) and mtime SOURCE_DATE_EPOCH (default 0).
# Env: DEV_KERNEL_PKG and/or DEV_KERNEL_VERSION force that package / exact version (still taken from the index);
#      DEV_KERNEL_SHA256 additionally requires that SHA-256. PCR1 changes with the kernel.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR | --resolve-only"
OUT="$1"

# Tested range (qemu-nitro-enclave.md §4.1): the newest linux-image-<KERNEL_RANGE>.N+debNN-<flavour> that the signed
# bookworm-backports Packages index offers; its SHA-256 comes from that index. Backports renames the package with
# each update, so the names are listed, not pinned. Widen the range only after a green emulator run.
KERNEL_RANGE="6.12"                 # kernel 6.12.x ...
KERNEL_FLAVOUR="cloud-amd64"        # ... the cloud flavour (signed image package, not -unsigned/-dbg) ...
KERNEL_SUITE="bookworm-backports"   # ... from this suite only
CMDLINE="console=ttyS0 reboot=k panic=-1 pci=off random.trust_cpu=on nokaslr quiet"
EPOCH="${SOURCE_DATE_EPOCH:-0}"

apt_install gcc libc6-dev xz-utils binutils

# 1. The kernel .deb: chosen from the index, cached under its package name and version, checked on every run.
ensure_backports
resolve_kernel() {
  local names offered listed how inrange
  if [ -n "${DEV_KERNEL_PKG:-}" ]; then names="$DEV_KERNEL_PKG"; else
    # Every kernel series of the flavour, so that a miss can say what the index offers.
    names="$(apt-cache pkgnames linux-image- 2>/dev/null \
      | grep -E "^linux-image-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-$KERNEL_FLAVOUR\$" | sort)" || true
  fi
  # shellcheck disable=SC2086 # package names have no spaces
  offered="$(suite_versions "$KERNEL_SUITE" Packages $names)"
  listed="$(awk 'NF {printf "%s%s=%s", (n++ ? " " : ""), $1, $2}' <<<"$offered")"
  if [ -n "${DEV_KERNEL_VERSION:-}" ]; then
    offered="$(awk -v v="$DEV_KERNEL_VERSION" '$2 == v' <<<"$offered")"
    how="forced by DEV_KERNEL_VERSION"
  elif [ -n "${DEV_KERNEL_PKG:-}" ]; then how="forced by DEV_KERNEL_PKG"
  else how="range $KERNEL_RANGE.x"
  fi
  if [ -n "${DEV_KERNEL_VERSION:-}${DEV_KERNEL_PKG:-}" ]; then inrange="$(awk '{print $2}' <<<"$offered")"
  else inrange="$(awk '{print $2}' <<<"$offered" | in_range_only "$KERNEL_RANGE")"
  fi
  KVER_DEB="$(newest_version <<<"$inrange")"
  if [ -z "$KVER_DEB" ]; then
    die "no kernel ${DEV_KERNEL_PKG:-linux-image-$KERNEL_RANGE.N+debNN-$KERNEL_FLAVOUR}${DEV_KERNEL_VERSION:+=$DEV_KERNEL_VERSION} in the tested range $KERNEL_RANGE.x in the $KERNEL_SUITE Packages index; it offers: ${listed:-nothing}. Test a newer kernel and widen KERNEL_RANGE in $0 (PCR1 changes), or set DEV_KERNEL_PKG/DEV_KERNEL_VERSION."
  fi
  KPKG="$(awk -v v="$KVER_DEB" '$2 == v {print $1; exit}' <<<"$offered")"
  KSHA="$(apt_deb_sha256 "$KPKG" "$KVER_DEB")"
  [[ "$KSHA" =~ ^[0-9a-f]{64}$ ]] || die "the $KERNEL_SUITE index has no SHA256 for $KPKG=$KVER_DEB"
  [ -z "${DEV_KERNEL_SHA256:-}" ] || [ "$KSHA" = "$DEV_KERNEL_SHA256" ] \
    || die "the apt index lists $KPKG=$KVER_DEB with SHA-256 $KSHA, DEV_KERNEL_SHA256 requires $DEV_KERNEL_SHA256"
  log "kernel $KPKG $KVER_DEB ($how, $KERNEL_SUITE), deb sha256 $KSHA"
}
resolve_kernel
debdir="$ATTESTED_CACHE/debs"; mkdir -p "$debdir"
deb="$debdir/${KPKG}_${KVER_DEB//:/%3a}_amd64.deb"
if [ ! -f "$deb" ] || [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$KSHA" ]; then
  tmp="$(mktemp -d "$debdir/dl.XXXXXX")"
  log "downloading $KPKG $KVER_DEB (~34 MB)"
  (cd "$tmp" && timeout 600 apt-get "${APT_OPTS[@]}" download "$KPKG=$KVER_DEB" >&2) || { rm -rf "$tmp"; die "apt-get download $KPKG failed"; }
  sha256_check "$tmp"/*.deb "$KSHA"
  mv -f "$tmp"/*.deb "$deb"; rm -rf "$tmp"
fi
sha256_check "$deb" "$KSHA"
if [ "$OUT" = "--resolve-only" ]; then
  printf 'kernel %s %s %s\nkernel-deb %s\n' "$KPKG" "$KVER_DEB" "$KSHA" "$deb"
  exit 0
fi

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
kernel-package: $KPKG $KVER_DEB ($KERNEL_SUITE) sha256 $KSHA
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
