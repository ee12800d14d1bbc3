#!/usr/bin/env bash
# Offline test of the version choice in lib.sh (upstream_of, in_range, in_range_only, newest_version,
# suite_versions) on canned `apt-cache madison` output: no network, no root, no cache. Prints "N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pass=0; fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); printf 'FAIL %s: expected [%s], got [%s]\n' "$1" "$2" "$3" >&2; fi
}

check "upstream of epoch+revision" "10.0.2+ds" "$(upstream_of '1:10.0.2+ds-2+deb13u1~bpo12+1')"
check "upstream of native" "1.2.3" "$(upstream_of '1.2.3')"
check "upstream of bpo kernel" "6.12.95" "$(upstream_of '6.12.95-1~bpo12+1')"
r() { if in_range "$1" "$2"; then echo in; else echo out; fi; }
check "10.0.2 in 10.0" in "$(r '1:10.0.2+ds-2+deb13u1~bpo12+1' 10.0)"
check "10.0.10 in 10.0" in "$(r '1:10.0.10+ds-1~bpo12+1' 10.0)"
check "10.1.0 not in 10.0" out "$(r '1:10.1.0+ds-1~bpo12+1' 10.0)"
check "10.01 not in 10.0" out "$(r '1:10.01-1' 10.0)"
check "bare 10.0 not in 10.0" out "$(r '1:10.0-1' 10.0)"
check "6.12.95 in 6.12" in "$(r '6.12.95-1~bpo12+1' 6.12)"
check "6.1.192 not in 6.12" out "$(r '6.1.192-3' 6.12)"
check "0.3.0-2 in 0.3" in "$(r '0.3.0-2' 0.3)"
check "0.30.1 not in 0.3" out "$(r '0.30.1-1' 0.3)"
# The last version out of range must not fail the filter (set -e, pipefail).
check "filter keeps order, ends out of range" "6.12.9-1
6.12.95-1~bpo12+1" "$(printf '6.12.9-1\n6.1.5-1\n6.12.95-1~bpo12+1\n6.13.1-1\n' | in_range_only 6.12)"
check "newest: numeric, not lexical" "6.12.100-1~bpo12+1" "$(printf '6.12.95-1~bpo12+1\n6.12.100-1~bpo12+1\n6.12.99-1~bpo12+1\n' | newest_version)"
check "newest: a bpo rebuild is older than the release" "1:10.0.2+ds-2" "$(printf '1:10.0.2+ds-2~bpo12+1\n1:10.0.2+ds-2\n' | newest_version)"
check "newest: epoch wins" "1:9.0-1" "$(printf '10.0.2-1\n1:9.0-1\n' | newest_version)"
check "newest of nothing" "" "$(printf '' | newest_version)"

# suite_versions reads `apt-cache madison`: keeps only the suite and kind asked for.
apt-cache() {
  [ "$*" = "-o X=1 madison qemu linux-image-6.12.95+deb12-cloud-amd64" ] || { echo "unexpected apt-cache $*" >&2; return 1; }
  cat <<'M'
      qemu | 1:10.0.2+ds-2+deb13u1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main Sources
      qemu | 1:10.0.9+ds-1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main Sources
      qemu | 1:7.2+dfsg-7+deb12u18 | http://deb.debian.org/debian bookworm/main Sources
      qemu | 1:10.1.0+ds-1 | http://deb.debian.org/debian sid/main Sources
linux-image-6.12.95+deb12-cloud-amd64 | 6.12.95-1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main amd64 Packages
linux-signed-amd64 | 6.12.95+1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main Sources
M
}
sv() { suite_versions "$@" -- -o X=1; }
check "sources of backports" "qemu 1:10.0.2+ds-2+deb13u1~bpo12+1
qemu 1:10.0.9+ds-1~bpo12+1
linux-signed-amd64 6.12.95+1~bpo12+1" "$(sv bookworm-backports Sources qemu linux-image-6.12.95+deb12-cloud-amd64)"
check "packages of backports" "linux-image-6.12.95+deb12-cloud-amd64 6.12.95-1~bpo12+1" \
  "$(sv bookworm-backports Packages qemu linux-image-6.12.95+deb12-cloud-amd64)"
check "choice: newest 10.0.x from backports" "1:10.0.9+ds-1~bpo12+1" \
  "$(sv bookworm-backports Sources qemu linux-image-6.12.95+deb12-cloud-amd64 | awk '{print $2}' | in_range_only 10.0 | newest_version)"
check "choice: nothing in 10.1 from backports" "" \
  "$(sv bookworm-backports Sources qemu linux-image-6.12.95+deb12-cloud-amd64 | awk '{print $2}' | in_range_only 10.1 | newest_version)"
check "no packages, no call" "" "$(suite_versions sid Packages)"

offered=$'1:10.0.2+ds-2~bpo12+1\n1:10.0.9+ds-1~bpo12+1\n1:10.1.0+ds-1'
choose_version qemu 10.0 NOT_SET "$offered" hint
check "choose: newest in range" "1:10.0.9+ds-1~bpo12+1 range 10.0.x" "$CHOSEN $CHOSEN_HOW"
FORCE=1:10.0.2+ds-2~bpo12+1 choose_version qemu 10.0 FORCE "$offered" hint
check "choose: forced and offered" "1:10.0.2+ds-2~bpo12+1 forced by FORCE" "$CHOSEN $CHOSEN_HOW"
check "choose: forced but withdrawn dies" "1" "$( (FORCE=1:10.0.1 choose_version qemu 10.0 FORCE "$offered" hint) 2>/dev/null; echo $?)"
check "choose: nothing in range dies naming the offer" "1" "$( (choose_version qemu 9.2 NOT_SET "$offered" hint) 2>&1 >/dev/null | grep -c 'offers: 1:10.0.2')"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
