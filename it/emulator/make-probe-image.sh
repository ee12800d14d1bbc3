#!/usr/bin/env bash
# Makes the harness self-test image: the static NSM probe (probe/nsm-probe.c) as a one-layer `docker save`
# tarball whose command is `/nsm-probe 5000` (prints its NSM responses on the console and serves them once on
# vsock port 5000). Deterministic for a given gcc/glibc.
# Usage: it/emulator/make-probe-image.sh OUT.tar
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 OUT.tar"
apt_install gcc libc6-dev
w="$(mktemp -d)"; trap 'rm -rf "$w"' EXIT
mkdir -p "$w/root"
cp "$EMU_DIR/probe/nsm-probe.c" "$w/"
(cd "$w" && gcc -static -O2 -Wall -Wextra -Werror -s -Wl,--build-id=none -o root/nsm-probe nsm-probe.c) \
  || die "compiling nsm-probe failed"
pack_docker_save "$w/root" "$1" "attested/nsm-probe:1" '{"Cmd":["/nsm-probe","5000"]}'
log "probe image $1"
