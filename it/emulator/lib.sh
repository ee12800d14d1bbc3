# Shared helpers for the emulator scripts (sourced, not run).
# Every script: strict mode, a cache under ${XDG_CACHE_HOME:-$HOME/.cache}/attested/, clear errors.
set -euo pipefail

EMU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ATTESTED_CACHE="${ATTESTED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/attested}"
export LC_ALL=C TZ=UTC

log() { printf '[emu] %s\n' "$*" >&2; }
die() { printf '[emu] ERROR: %s\n' "$*" >&2; exit 1; }

# Run as root directly, else through sudo (apt needs it).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else
    command -v sudo >/dev/null || die "need root for: $* (run as root or install sudo)"
    sudo "$@"
  fi
}

APT_OPTS=(-o APT::Sandbox::User=root -o DPkg::Lock::Timeout=900 -o Acquire::http::Timeout=60 -o Acquire::Retries=3 -q)

# Adds bookworm-backports (deb + deb-src) to apt's sources, once. Idempotent.
BACKPORTS_SOURCES=/etc/apt/sources.list.d/attested-bookworm-backports.sources
ensure_backports() {
  . /etc/os-release
  [ "${VERSION_CODENAME:-}" = bookworm ] || log "warning: host is ${PRETTY_NAME:-unknown}, the recipe was tested on Debian 12 (bookworm)"
  local want
  want='Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
  if [ ! -f "$BACKPORTS_SOURCES" ] || [ "$(cat "$BACKPORTS_SOURCES")" != "$want" ]; then
    log "adding bookworm-backports (deb, deb-src) to $BACKPORTS_SOURCES"
    printf '%s\n' "$want" | as_root tee "$BACKPORTS_SOURCES" >/dev/null
    as_root rm -f /var/lib/apt/lists/.attested-updated
  fi
  # apt-get update at most once per hour (and always after the sources changed).
  if [ -z "$(find /var/lib/apt/lists/.attested-updated -mmin -60 2>/dev/null)" ]; then
    log "apt-get update"
    as_root timeout 600 apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update failed (is deb.debian.org reachable?)"
    as_root touch /var/lib/apt/lists/.attested-updated
  fi
}

# Installs the named packages (optionally "-t suite" first) unless all are already installed.
apt_install() {
  local target=()
  if [ "${1:-}" = "-t" ]; then target=(-t "$2"); shift 2; fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root timeout 900 env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y --no-install-recommends \
    "${target[@]}" "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# sha256_check FILE HEX: fails unless the file has that SHA-256.
sha256_check() {
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$2" ] || die "SHA-256 mismatch for $1: expected $2, got $got (delete it from the cache to refetch)"
}

# The SHA-256 of a binary package file as listed in the (signed) Packages index: apt_deb_sha256 PKG VERSION
apt_deb_sha256() {
  apt-cache show "$1=$2" 2>/dev/null | awk '/^SHA256: / && !d {print $2; d = 1}'  # no early exit: apt-cache must not get SIGPIPE under pipefail
}

# --- Choosing a version from the signed apt index (docs/emulator.md "Versions from the archive") ---
# Pins the archive can withdraw (backports, sid) are not exact: a script takes the newest version its index offers
# within a tested upstream range, takes that version's SHA-256 from the same index, verifies the download, and logs
# what ran.

# upstream_of DEBIAN_VERSION: the upstream part (no epoch, no Debian revision): 1:10.0.2+ds-2~bpo12+1 -> 10.0.2+ds
upstream_of() {
  local v="${1#*:}"
  case "$v" in *-*) v="${v%-*}" ;; esac
  printf '%s\n' "$v"
}

# in_range DEBIAN_VERSION RANGE: true when the upstream version is RANGE.N... (RANGE 10.0 takes 10.0.2+ds, not 10.01)
in_range() {
  local up; up="$(upstream_of "$1")"
  [[ "$up" == "$2".[0-9]* ]]
}

# in_range_only RANGE: reads Debian versions (one a line) on stdin, prints those in RANGE; always succeeds.
in_range_only() {
  local v
  while IFS= read -r v; do
    if [ -n "$v" ] && in_range "$v" "$1"; then printf '%s\n' "$v"; fi
  done
  return 0
}

# newest_version: reads Debian versions (one a line) on stdin, prints the newest by dpkg's ordering.
newest_version() {
  local best="" v
  while IFS= read -r v; do
    [ -n "$v" ] || continue
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
  done
  [ -z "$best" ] || printf '%s\n' "$best"
}

# choose_version WHAT RANGE FORCE_VAR OFFERED HINT: picks from OFFERED (Debian versions, one a line) the version the
# variable named FORCE_VAR forces (it must be offered), else the newest within RANGE. Sets CHOSEN and CHOSEN_HOW;
# dies saying what the index offers when nothing fits (HINT: what to do then). WHAT names the package and index.
choose_version() {
  local what="$1" range="$2" force_var="$3" offered="$4" hint="$5"
  local forced="${!force_var:-}"
  if [ -n "$forced" ]; then
    grep -qxF -- "$forced" <<<"$offered" \
      || die "$what: $forced (forced by $force_var) is not offered; the index offers: ${offered:-nothing}"
    CHOSEN="$forced"; CHOSEN_HOW="forced by $force_var"
  else
    CHOSEN="$(in_range_only "$range" <<<"$offered" | newest_version)"
    [ -n "$CHOSEN" ] \
      || die "$what: nothing in the tested range $range.x; the index offers: ${offered:-nothing}. $hint"
    CHOSEN_HOW="range $range.x"
  fi
}

# suite_versions SUITE KIND PKG... [-- apt-cache options...]: what the index offers from SUITE for the packages,
# one "PKG VERSION" a line, from `apt-cache madison`. KIND: Packages (binary) or Sources.
suite_versions() {
  local suite="$1" kind="$2"; shift 2
  local pkgs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do pkgs+=("$1"); shift; done
  [ $# -eq 0 ] || shift
  [ ${#pkgs[@]} -gt 0 ] || return 0
  apt-cache "$@" madison "${pkgs[@]}" 2>/dev/null | awk -F' [|] ' -v s="$suite" -v k="$kind" '
    { n = split($3, w, " "); split(w[2], a, "/"); gsub(/ /, "", $1) }
    a[1] == s && w[n] == k { print $1, $2 }'
}

# pack_docker_save ROOTDIR OUT.tar TAG CONFIG_JSON_FRAGMENT
# Packs ROOTDIR as the single layer of a `docker save` tarball, deterministically: sorted entries, mtime
# SOURCE_DATE_EPOCH (default 0), uid/gid 0, modes normalised (dirs and executables 0755, files 0644; /tmp
# 1777). CONFIG_JSON_FRAGMENT is the image config's "config" object (Env, Cmd, ...).
pack_docker_save() {
  local root="$1" out="$2" tag="$3" cfg="$4" epoch="${SOURCE_DATE_EPOCH:-0}" w
  w="$(mktemp -d)"
  find "$root" -type d -exec chmod 0755 {} +
  find "$root" -type f -perm /111 -exec chmod 0755 {} +
  find "$root" -type f ! -perm /111 -exec chmod 0644 {} +
  [ -d "$root/tmp" ] && chmod 1777 "$root/tmp"
  find "$root" -exec touch -h -d "@$epoch" {} +
  local det=(--sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu)
  # shellcheck disable=SC2046
  tar -C "$root" "${det[@]}" -cf "$w/layer.tar" $(cd "$root" && ls -A | sort)
  local layer_sha created config config_sha
  layer_sha="$(sha256sum "$w/layer.tar" | cut -d' ' -f1)"
  created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
  config='{"architecture":"amd64","config":'"$cfg"',"created":"'"$created"'","history":[{"created":"'"$created"'","created_by":"it/emulator"}],"os":"linux","rootfs":{"diff_ids":["sha256:'"$layer_sha"'"],"type":"layers"}}'
  config_sha="$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  mkdir -p "$w/image/$layer_sha"
  mv "$w/layer.tar" "$w/image/$layer_sha/layer.tar"
  printf '%s' "$config" >"$w/image/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_sha" "$tag" "$layer_sha" \
    >"$w/image/manifest.json"
  find "$w/image" -type d -exec chmod 0755 {} +; find "$w/image" -type f -exec chmod 0644 {} +
  find "$w/image" -exec touch -h -d "@$epoch" {} +
  tar -C "$w/image" "${det[@]}" -cf "$w/out.tar" manifest.json "$config_sha.json" "$layer_sha"
  mkdir -p "$(dirname "$out")"
  chmod 0644 "$w/out.tar"; touch -d "@$epoch" "$w/out.tar"
  mv -f "$w/out.tar" "$out.tmp.$$" && mv -f "$out.tmp.$$" "$out"
  rm -rf "$w"
  PACKED_LAYER_SHA="$layer_sha"
}

# --- One known fault of the emulator itself: one more boot ---
# Under TCG, QEMU's own virtio-nsm model now and then rejects a request of the guest kernel's NSM driver while the
# kernel boots (QEMU prints this line; no code of ours has run yet) and the device then never answers. That is a
# fault of the emulator, not of the enclave.
QEMU_NSM_FAULT='qemu-system-x86_64: Expected response buffer after request buffer in virtqueue'

# boot_again_on_nsm_fault CONSOLE FUNCTION: runs FUNCTION, which boots with --console CONSOLE and sets the global
# rc to the boot's status. When rc is non-zero and CONSOLE holds QEMU_NSM_FAULT, keeps that console as
# <CONSOLE without .log>.attempt1.log, says so, and runs FUNCTION once more: the second boot decides.
boot_again_on_nsm_fault() {
  local console="$1" fn="$2" kept
  "$fn"
  if [ "$rc" -ne 0 ] && grep -qF "$QEMU_NSM_FAULT" "$console"; then
    kept="${console%.log}.attempt1.log"
    mv "$console" "$kept"
    log "QEMU's virtio-nsm device faulted while the guest kernel booted ('$QEMU_NSM_FAULT'; console kept as $(basename "$kept")): booting once more"
    "$fn"
  fi
}

# json_array WORD...: the words as a JSON array of strings (for an image's Entrypoint); a word that would need
# escaping is refused rather than quoted wrongly.
json_array() {
  local a s=
  for a in "$@"; do
    case "$a" in *'"'*|*'\'*) die "json_array: '$a' would need JSON escaping" ;; esac
    s+="${s:+,}\"$a\""
  done
  printf '[%s]' "$s"
}

# pack_on_docker_save BASE.tar OUT.tar TAG ENTRYPOINT_JSON IMAGE_PATH=HOST_FILE...
# An image made on a base that pack_docker_save wrote (one layer; the Java base image): the base's root file system
# with the given files added (IMAGE_PATH absolute in the image), the base's "config" object with ENTRYPOINT_JSON as
# its Entrypoint, packed again by pack_docker_save, so just as deterministic.
pack_on_docker_save() {
  local base="$1" out="$2" tag="$3" entry="$4" w layer cfgfile cfg f; shift 4
  w="$(mktemp -d)"; mkdir -p "$w/base" "$w/root"
  tar -C "$w/base" -xf "$base" || { rm -rf "$w"; die "$base: not a tar file"; }
  layer="$(sed -n 's/.*"Layers":\["\([^"]*\)"\].*/\1/p' "$w/base/manifest.json" 2>/dev/null)"
  cfgfile="$(sed -n 's/.*"Config":"\([^"]*\)".*/\1/p' "$w/base/manifest.json" 2>/dev/null)"
  cfg="$(cat "$w/base/$cfgfile" 2>/dev/null)"; cfg="${cfg#*\"config\":}"; cfg="${cfg%%,\"created\":*}"
  if [ -z "$layer" ] || [ -z "$cfgfile" ] || [[ "$cfg" != \{*\} ]] || [[ "$cfg" == *Entrypoint* ]]; then
    rm -rf "$w"; die "$base: expected a one-layer docker-save tarball without an Entrypoint, as pack_docker_save writes it"
  fi
  tar -C "$w/root" -xf "$w/base/$layer" || { rm -rf "$w"; die "$base: its layer does not unpack"; }
  for f in "$@"; do
    mkdir -p "$w/root$(dirname "${f%%=*}")"
    cp -- "${f#*=}" "$w/root${f%%=*}" || { rm -rf "$w"; die "cannot add ${f#*=} as ${f%%=*}"; }
  done
  if [ "$cfg" = '{}' ]; then cfg="{\"Entrypoint\":$entry}"; else cfg="${cfg%\}},\"Entrypoint\":$entry}"; fi
  pack_docker_save "$w/root" "$out" "$tag" "$cfg"
  rm -rf "$w"
}
