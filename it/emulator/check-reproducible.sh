#!/usr/bin/env bash
# Checks that the development blobs and the Java base image are byte-identical across two runs (different
# working directories, umask and TZ), and prints their SHA-256. Exit 1 on any difference.
# Usage: it/emulator/check-reproducible.sh WORKDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 WORKDIR"
W="$1"; rm -rf "$W"; mkdir -p "$W/a" "$W/b"
(cd "$W/a" && umask 022 && TZ=UTC "$EMU_DIR/make-dev-blobs.sh" blobs 2>/dev/null && "$EMU_DIR/make-java-base.sh" java-base.tar 2>/dev/null)
(cd "$W/b" && umask 077 && TZ=Pacific/Kiritimati "$EMU_DIR/make-dev-blobs.sh" blobs 2>/dev/null && "$EMU_DIR/make-java-base.sh" java-base.tar 2>/dev/null)
fail=0
for f in blobs/bzImage blobs/bzImage.config blobs/cmdline blobs/init blobs/nsm.ko blobs/SOURCES java-base.tar; do
  if cmp -s "$W/a/$f" "$W/b/$f" && [ "$(stat -c '%a %Y' "$W/a/$f")" = "$(stat -c '%a %Y' "$W/b/$f")" ]; then
    printf 'same  %s  %s\n' "$(sha256sum "$W/a/$f" | cut -c1-64)" "$f"
  else
    printf 'DIFF  %s\n' "$f"; fail=1
  fi
done
[ $fail = 0 ] || die "outputs differ between two runs (see $W/a and $W/b)"
log "development blobs and Java base image are reproducible"
