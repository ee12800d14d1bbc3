#!/bin/sh
# Records the expected results of ./cases from a jar: record.sh JAR (run from anywhere; the commands run in
# attestation-cli/, as CommandLineGoldenTest runs them). In the results @VERSION@ stands for the jar's version,
# @ROOT@ for the repository's directory and @AGE@ for a document's age (they depend on the build and the clock).
# Only for a deliberate change of what users see: the test is there to show that a change of the implementation
# changes none of it.
set -eu
jar=$(readlink -f -- "$1")
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
version=$(unzip -p "$jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*$/\1/p')
cd "$here/../../../../../../.."
root=$(dirname -- "$(pwd)")
mkdir -p target/golden
grep -v '^#' "$here/cases" | while read -r name args; do
  set +e
  # shellcheck disable=SC2086
  "$java" -jar "$jar" $args </dev/null >"$here/$name.out" 2>"$here/$name.err"
  status=$?
  set -e
  { echo "exit $status"; echo "--- stdout"; cat "$here/$name.out"; echo "--- stderr"; cat "$here/$name.err"; } \
    | sed -e "s|$version|@VERSION@|g" -e "s|$root/|@ROOT@/|g" -e 's/(age [^)]*)/(age @AGE@)/g' >"$here/$name.txt"
  rm -f "$here/$name.out" "$here/$name.err"
done
