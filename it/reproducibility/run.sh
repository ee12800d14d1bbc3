#!/usr/bin/env bash
# Same commit, same bytes, anywhere (docs/reproducibility.md).
#
# Two checkouts of the committed files, built in two environments that differ in every dimension that
# docs/reproducibility.md lists; the EIF and pcr-manifest.json must come out byte-identical:
#   * it/reproducibility/project: a user's project (Jackson from Maven Central, compiled for 17, a tar:// base
#     image inside the project, the plugin under test);
#   * the sample enclave (the reactor's sample-enclave module with -am; it compiles for 25, so JDK 25 both times).
#
#   A: JDK 25, Maven 3.9.11 from ./mvnw, TZ=UTC, LANG=C.UTF-8, umask 022, this user and HOME, local repository A,
#      checkouts under $WORK/a/. The reactor build A installs the plugin under test into repository A.
#   B: JDK 17 (sample: 25), Maven 3.9.9 from Maven Central (checked against its published SHA-512),
#      TZ=America/St_Johns (sample: Pacific/Chatham; both with DST and non-hour offsets), Turkish default locale
#      and ISO-8859-9 (sample: COMPAT, i.e. ASCII) default charset, umask 077, a throwaway user (when run as
#      root) with another HOME, local repository B (seeded only from repository A), deeper checkout paths with a
#      space, and other file times.
#
# Usage: it/reproducibility/run.sh [user|sample|all]   (default all; prints how long each step took)
# Environment: MAVEN_REPO_LOCAL  Maven repository to take already downloaded artifacts from (default ~/.m2/repository)
#              REPRO_WORK        work directory (default: a new directory under /tmp; removed after success)
#              JDK25, JDK17      JDK homes (default: found under /usr/lib/jvm)
set -euo pipefail

started=$(date +%s)
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WHAT="${1:-all}"
case "$WHAT" in user|sample|all) ;; *) echo "usage: $0 [user|sample|all]" >&2; exit 2 ;; esac

log() { printf '[repro %4ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
die() { printf '[repro] ERROR: %s\n' "$*" >&2; exit 1; }

find_jdk() { # find_jdk FEATURE: a JDK home whose java reports that feature version
  local c
  for c in /usr/lib/jvm/*; do
    [ -x "$c/bin/javac" ] || continue
    if "$c/bin/java" -version 2>&1 | grep -Eq "version \"$1([.\"])"; then echo "$c"; return 0; fi
  done
  return 1
}
JDK25="${JDK25:-$(find_jdk 25)}" || die "no JDK 25 under /usr/lib/jvm (set JDK25)"
JDK17="${JDK17:-$(find_jdk 17)}" || die "no JDK 17 under /usr/lib/jvm (set JDK17)"
OUTER_REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$REPO/pom.xml" | head -1)"
[ -n "$VERSION" ] || die "cannot read the project version from $REPO/pom.xml"

WORK="${REPRO_WORK:-$(mktemp -d /tmp/attested-repro.XXXXXX)}"
mkdir -p "$WORK"
# Only a directory this script made (or an empty one) is emptied.
if [ -n "$(ls -A "$WORK")" ] && [ ! -f "$WORK/.attested-repro" ]; then
  die "REPRO_WORK=$WORK is not empty and was not made by this script; give an empty or new directory"
fi
find "$WORK" -mindepth 1 -maxdepth 1 ! -name .attested-repro -exec rm -rf {} +
touch "$WORK/.attested-repro"
chmod 0755 "$WORK"
umask 022

# --- the second user: a throwaway account when we are root ---------------------------------------------------
B_USER=attested-repro
created_user=no
if [ "$(id -u)" -eq 0 ]; then
  if ! id "$B_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$B_USER"
    created_user=yes
  fi
  as_b() { setpriv --reuid="$(id -u "$B_USER")" --regid="$(id -g "$B_USER")" --clear-groups -- "$@"; }
  give_b() { chown -R "$B_USER:$B_USER" "$@"; }
else
  log "not root: build B runs as $(id -un) too (only the user dimension is not varied)"
  as_b() { "$@"; }
  give_b() { :; }
fi
cleanup() {
  local rc=$?
  if [ "$created_user" = yes ]; then userdel "$B_USER" >/dev/null 2>&1 || true; fi
  if [ $rc -eq 0 ] && [ -z "${REPRO_WORK:-}" ]; then rm -rf "$WORK"; fi
  [ $rc -eq 0 ] || log "FAILED; everything is kept in $WORK"
}
trap cleanup EXIT

# --- another Maven 3.9.x, from Maven Central, checked against the published SHA-512 ----------------------------
MAVEN_B_VERSION=3.9.9
maven_b() { # downloads (once; cached) and unpacks into $WORK/tools, where the other user can read it
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/attested/maven" name="apache-maven-$MAVEN_B_VERSION"
  local url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$MAVEN_B_VERSION/$name-bin.tar.gz"
  mkdir -p "$cache"
  if [ ! -f "$cache/$name-bin.tar.gz.sha512" ] || [ ! -f "$cache/$name-bin.tar.gz" ]; then
    curl -fsSL --retry 3 -o "$cache/$name-bin.tar.gz" "$url" || die "cannot download $url"
    curl -fsSL --retry 3 -o "$cache/$name-bin.tar.gz.sha512" "$url.sha512" || die "cannot download $url.sha512"
  fi
  echo "$(cut -d' ' -f1 <"$cache/$name-bin.tar.gz.sha512")  $cache/$name-bin.tar.gz" | sha512sum -c --quiet - \
    || { rm -f "$cache/$name-bin.tar.gz"*; die "$name-bin.tar.gz does not match its published SHA-512 (removed; run again)"; }
  mkdir -p "$WORK/tools"
  tar -xzf "$cache/$name-bin.tar.gz" -C "$WORK/tools"
  echo "$WORK/tools/$name/bin/mvn"
}

settings() { # settings FILE REPOSITORY: Maven settings reading REPOSITORY (a file:// URL) before Maven Central
  cat >"$1" <<EOF
<settings>
  <profiles><profile><id>seed</id>
    <repositories><repository><id>seed</id><url>$2</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
    </repository></repositories>
    <pluginRepositories><pluginRepository><id>seed</id><url>$2</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
    </pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
</settings>
EOF
}

# A small `docker save` base image with a stand-in java (the EIF is compared, never booted), packed reproducibly.
base_tarball() { # base_tarball OUT
  local w; w="$(mktemp -d)"
  mkdir -p "$w/root/usr/bin" "$w/root/etc" "$w/image"
  printf '#!/bin/sh\necho "java stand-in of it/reproducibility"\n' >"$w/root/usr/bin/java"
  printf 'NAME="repro base"\n' >"$w/root/etc/os-release"
  chmod 0755 "$w/root/usr/bin/java"
  local det=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu)
  tar -C "$w/root" "${det[@]}" -cf "$w/layer.tar" etc usr
  local layer config config_sha
  layer="$(sha256sum "$w/layer.tar" | cut -c1-64)"
  config='{"architecture":"amd64","config":{"Env":["PATH=/usr/bin:/bin"]},"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:'"$layer"'"]}}'
  config_sha="$(printf '%s' "$config" | sha256sum | cut -c1-64)"
  mkdir -p "$w/image/$layer"
  mv "$w/layer.tar" "$w/image/$layer/layer.tar"
  printf '%s' "$config" >"$w/image/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["repro-base:1"],"Layers":["%s/layer.tar"]}]' "$config_sha" "$layer" >"$w/image/manifest.json"
  tar -C "$w/image" "${det[@]}" -cf "$1" manifest.json "$config_sha.json" "$layer"
  rm -rf "$w"
}

# compare NAME DIR_A DIR_B FILE...: cmp each file; on a difference show it and fail
compare() {
  local name="$1" a="$2" b="$3" f failed=0; shift 3
  for f in "$@"; do
    [ -f "$a/$f" ] || die "$name: build A wrote no $f"
    [ -f "$b/$f" ] || die "$name: build B wrote no $f"
    if cmp -s "$a/$f" "$b/$f"; then
      printf '[repro] %s: same   %s  %s\n' "$name" "$(sha256sum "$a/$f" | cut -c1-64)" "$f" >&2
    else
      printf '[repro] %s: DIFFERS %s (first differing bytes: %s)\n' "$name" "$f" "$(cmp "$a/$f" "$b/$f" 2>&1 | head -1)" >&2
      failed=1
    fi
  done
  if [ $failed = 1 ]; then
    diff -u "$a/pcr-manifest.json" "$b/pcr-manifest.json" >&2 || true
    printf '[repro] %s: jars that went into the images:\n' "$name" >&2
    (cd "$a/work/jib-cache/jars" 2>/dev/null && find . -name '*.jar' | sort) | while read -r j; do
      cmp -s "$a/work/jib-cache/jars/$j" "$b/work/jib-cache/jars/$j" && s=same || s=DIFFERS
      printf '  %-7s %s\n' "$s" "$j" >&2
    done
    die "$name: two builds of the same commit gave different bytes (A: $a, B: $b)"
  fi
}

# varied LOG_A LOG_B JAVA_B: the two builds really ran with other Maven versions, JDKs, zones and locales
varied() {
  grep -q "^Apache Maven 3.9.11" "$1" || die "build A did not run Maven 3.9.11 (log: $1)"
  grep -q "^Apache Maven $MAVEN_B_VERSION" "$2" || die "build B did not run Maven $MAVEN_B_VERSION (log: $2)"
  grep -q "^Java version: 25" "$1" || die "build A did not run on JDK 25 (log: $1)"
  grep -q "^Java version: $3" "$2" || die "build B did not run on JDK $3 (log: $2)"
  grep -q 'Default locale: tr_TR' "$2" || die "build B did not run with a Turkish default locale (log: $2)"
}

MVN_B="$(maven_b)"
REPO_A="$WORK/repository-a"
REPO_B="$WORK/b/home/other-repository"
mkdir -p "$REPO_A" "$WORK/b/home" "$REPO_B"
settings "$WORK/settings-a.xml" "$(cd "$OUTER_REPO" 2>/dev/null && pwd -P | sed 's:^:file\://:' || echo "file:///nonexistent")"
settings "$WORK/settings-b.xml" "file://$REPO_A"
chmod 0644 "$WORK"/settings-*.xml

ENV_A=(env -i "PATH=/usr/bin:/bin" "HOME=$HOME" "JAVA_HOME=$JDK25" TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8)
set_env_b() { # set_env_b JDK TZ FILE_ENCODING: the environment of build B, in ENV_B
  ENV_B=(env -i "PATH=/usr/bin:/bin" "HOME=$WORK/b/home" "USER=$B_USER" "LOGNAME=$B_USER" "JAVA_HOME=$1" "TZ=$2"
    LANG=tr_TR.ISO-8859-9 LC_ALL=tr_TR.ISO-8859-9
    "MAVEN_OPTS=-Duser.language=tr -Duser.country=TR -Dfile.encoding=$3")
}

# --- the checkouts: the committed files, as a consumer clones them ---------------------------------------------
source_tarball() {
  if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$REPO" && git ls-files -z | tar --null -T - -cf "$WORK/source.tar") || die "cannot list the repository's files"
  else
    tar -C "$REPO" --exclude=./.git --exclude='*/target' --exclude=./target -cf "$WORK/source.tar" .
  fi
}
SAMPLE_A="$WORK/a/sample/attested"
SAMPLE_B="$WORK/b/elsewhere/sample checkout/attested"
SAMPLE_ARGS=(-pl sample-enclave -am -Dmaven.test.skip=true -DskipITs -Dinvoker.skip=true
  -Dattestation.baseImage=tar://base/java.tar)
checkout() { # checkout DIR
  mkdir -p "$1"
  tar -xf "$WORK/source.tar" -C "$1"
  mkdir -p "$1/sample-enclave/base"
  cp "$WORK/java.tar" "$1/sample-enclave/base/java.tar"
}
source_tarball
base_tarball "$WORK/java.tar"

# --- build A of the reactor: the sample enclave, and the plugin under test installed into repository A ---------
# (artifacts come from the outer repository when it has them, else from Maven Central)
checkout "$SAMPLE_A"
log "reactor build A (sample enclave; installs the plugin under test $VERSION): JDK 25, mvnw, TZ=UTC, C.UTF-8, umask 022, $(id -un), $SAMPLE_A"
(cd "$SAMPLE_A" && umask 022 && "${ENV_A[@]}" ./mvnw -B -ntp -V -s "$WORK/settings-a.xml" -Dmaven.repo.local="$REPO_A" \
  "${SAMPLE_ARGS[@]}" -Dattestation.blobs="$SAMPLE_A/it/ci-workflow/blobs" install) >"$WORK/sample-a.log" 2>&1 \
  || { tail -60 "$WORK/sample-a.log" >&2; die "reactor build A failed (log: $WORK/sample-a.log)"; }
# Build B takes released artifacts from repository A, and the plugin under test (a SNAPSHOT) as installed there.
mkdir -p "$REPO_B/dev"
cp -R "$REPO_A/dev/attested" "$REPO_B/dev/"

build_user_project() {
  local a="$WORK/a/checkout/repro-app" b="$WORK/b/some/deeper/path/with space/repro-app"
  mkdir -p "$a" "$b"
  for d in "$a" "$b"; do
    cp -R "$SAMPLE_A/it/reproducibility/project/." "$d/"
    mkdir -p "$d/blobs" "$d/base"
    cp "$SAMPLE_A/it/ci-workflow/blobs/"* "$d/blobs/"
  done
  cp "$WORK/java.tar" "$a/base/jre.tar"
  cp "$WORK/java.tar" "$b/base/jre.tar"
  find "$b" -exec touch -h -d '2001-02-03 04:05:06' {} +
  give_b "$WORK/b"

  log "user project, build A: JDK 25, mvnw, TZ=UTC, C.UTF-8, umask 022, $(id -un), $a"
  (cd "$a" && umask 022 && "${ENV_A[@]}" "$REPO/mvnw" -B -ntp -V -s "$WORK/settings-a.xml" -Dmaven.repo.local="$REPO_A" \
    -Dattested.version="$VERSION" package) >"$WORK/user-a.log" 2>&1 \
    || { tail -60 "$WORK/user-a.log" >&2; die "build A failed (log: $WORK/user-a.log)"; }
  log "user project, build B: JDK 17, Maven $MAVEN_B_VERSION, TZ=America/St_Johns, tr_TR/ISO-8859-9, umask 077, $B_USER, $b"
  set_env_b "$JDK17" America/St_Johns ISO-8859-9
  (cd "$b" && as_b "${ENV_B[@]}" sh -c 'umask 077 && exec "$@"' sh \
    "$MVN_B" -B -ntp -V -s "$WORK/settings-b.xml" -Dmaven.repo.local="$REPO_B" -Dattested.version="$VERSION" package) \
    >"$WORK/user-b.log" 2>&1 || { tail -60 "$WORK/user-b.log" >&2; die "build B failed (log: $WORK/user-b.log)"; }
  varied "$WORK/user-a.log" "$WORK/user-b.log" 17
  compare "user project" "$a/target/attestation" "$b/target/attestation" repro-app-1.0.0.eif pcr-manifest.json
}

build_sample() {
  checkout "$SAMPLE_B"
  find "$SAMPLE_B" -exec touch -h -d '2001-02-03 04:05:06' {} +
  give_b "$WORK/b"
  log "sample enclave, build B: JDK 25, Maven $MAVEN_B_VERSION, TZ=Pacific/Chatham, tr_TR/COMPAT, umask 077, $B_USER, $SAMPLE_B"
  set_env_b "$JDK25" Pacific/Chatham COMPAT
  (cd "$SAMPLE_B" && as_b "${ENV_B[@]}" sh -c 'umask 077 && exec "$@"' sh \
    "$MVN_B" -B -ntp -V -s "$WORK/settings-b.xml" -Dmaven.repo.local="$REPO_B" "${SAMPLE_ARGS[@]}" \
    -Dattestation.blobs="$SAMPLE_B/it/ci-workflow/blobs" package) >"$WORK/sample-b.log" 2>&1 \
    || { tail -60 "$WORK/sample-b.log" >&2; die "sample build B failed (log: $WORK/sample-b.log)"; }
  varied "$WORK/sample-a.log" "$WORK/sample-b.log" 25
  compare "sample enclave" "$SAMPLE_A/sample-enclave/target/attestation" "$SAMPLE_B/sample-enclave/target/attestation" \
    "sample-enclave-$VERSION.eif" pcr-manifest.json
}

case "$WHAT" in
  user) build_user_project ;;
  sample) build_sample ;;
  all) build_user_project; build_sample ;;
esac
log "reproducible: byte-identical EIF and pcr-manifest.json from both environments ($(( $(date +%s) - started )) s)"
