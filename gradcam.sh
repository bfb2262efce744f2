#!/usr/bin/env bash
# The gradcam command line. (Named gradcam.sh because gradcam/ is the CAM module's folder.)
# Builds the runnable jar first when it is missing or older than any source file or pom.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/tools/target/gradcam.jar"
# The Vector API (an incubator module in Java 17) makes the kernels fast; without it they run scalar.
java_opts=(--add-modules jdk.incubator.vector "-Dgradcam4j.root=$root")
# Start-up flags, each measured on `explain --model xception` in a fresh JVM (bench/compare/coldstart.sh):
# - the serial collector with arrays of 256 KB and more (weights, activations) placed straight in
#   the old generation copies almost nothing (young-GC pauses 0.9 s -> 0.14 s), and a young
#   generation of a seventh of the heap leaves the rest to them (VGG19 runs in -Xmx1g, Xception
#   in -Xmx512m);
# - transparent huge pages cut the page faults of a fresh heap; no perf-data file.
# Options in GRADCAM_JAVA_OPTS come later and win; a collector chosen there or in the JVM's own
# option variables replaces ours (two collectors would stop the JVM).
chosen_gc=""
set -f   # the options are split into words below, never globbed
for o in ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${GRADCAM_JAVA_OPTS:-}; do
  case "$o" in -XX:+Use*GC) chosen_gc="$o" ;; esac
done
set +f
[ -n "$chosen_gc" ] || java_opts+=(-XX:+UseSerialGC -XX:PretenureSizeThreshold=256k -XX:NewRatio=6)
java_opts+=(-XX:+UseTransparentHugePages -XX:-UsePerfData)
# Compilation decides the first image (bench/compare/coldstart.sh; JIT threads take about as much
# CPU as the work itself on two cores): the vector kernels reach C2, the only compiler that makes
# them fast, after a tenth of the usual invocations.
java_opts+=(-XX:CompileCommand=quiet
  "-XX:CompileCommand=CompileThresholdScaling,io.gradcam4j.engine.kernels.Vector*::*,0.1")
quiet() { grep -v -e "^WARNING: Using incubator modules" -e "UseTransparentHugePages disabled" >&2 || true; }
# `serve` runs the web page from the web module's own jar (web/target/gradcam-web.jar, the CLI plus
# the Javalin server), built on first use like the CLI's, so that the CLI jar carries no server.
if [ "${1:-}" = serve ]; then
  shift
  web_jar="$root/web/target/gradcam-web.jar"
  if [ ! -f "$web_jar" ] || [ -n "$(find "$root" -name node_modules -prune -o \( -path '*/src/main/*' -o -name pom.xml \) \
        -newer "$web_jar" -print -quit)" ]; then
    echo "gradcam: building the web page (mvn package -pl web -am)..." >&2
    mvn -q -B -f "$root/pom.xml" -DskipTests -pl web -am package >&2
  fi
  exec java "${java_opts[@]}" ${GRADCAM_JAVA_OPTS:-} -jar "$web_jar" "$@" 2> >(quiet)
fi
if [ ! -f "$jar" ] || [ -n "$(find "$root" -name node_modules -prune -o \( -path '*/src/main/*' -o -name pom.xml \) \
      -newer "$jar" -print -quit)" ]; then
  echo "gradcam: building (mvn package -pl tools -am)..." >&2
  mvn -q -B -f "$root/pom.xml" -DskipTests -pl tools -am package >&2
fi
# A class-data-sharing archive of the classes a run loads, one per JVM, made after each build from
# the list of classes that explaining the demo images once loads: it saves about 0.5 s of every
# start. It is a static archive dumped with this run's own options (and named after them): a dynamic one
# (-XX:ArchiveClassesAtExit) sits on the JDK's default archive, dumped without
# --add-modules, and JDK 25 then prints "Mismatched values for property jdk.module.addmods" at
# every start (and drops its archived module graph).
jsa_key="$( { readlink -f "$(command -v java)"; echo "${java_opts[*]}"; } | cksum | cut -d' ' -f1)"
jsa="$root/tools/target/gradcam-$jsa_key.jsa"
if [ ! -f "$jsa" ] || [ "$jar" -nt "$jsa" ]; then
  tmp="$(mktemp -d)"
  java "${java_opts[@]}" "-XX:DumpLoadedClassList=$tmp/classes.lst" -jar "$jar" explain --out "$tmp" >/dev/null 2>&1 || true
  java "${java_opts[@]}" -Xshare:dump "-XX:SharedClassListFile=$tmp/classes.lst" "-XX:SharedArchiveFile=$jsa" \
    -cp "$jar" >/dev/null 2>&1 || rm -f "$jsa"
  rm -rf "$tmp"
fi
[ -f "$jsa" ] && java_opts+=("-XX:SharedArchiveFile=$jsa")
# With 512-bit vectors a kernel thread also waits for its kernel's compilation instead of
# interpreting on: uncompiled, each vector operation is an object, and the core is better left to
# the compiler (about 0.9 s less CPU in a cold `explain --model xception`). With 8 lanes (AVX2, or
# -XX:UseAVX=2) the kernels C2 compiled that early came out about 15 % slower for the whole run
# (now and then 2-3x: vectors boxed), so there they run uncompiled until C2 is done. The width is
# the JVM's own answer for these options (a CPU may list AVX-512 that the JVM does not use), asked
# once per java and options and kept in target/. (Delaying the Vector API's own compilations as
# well made the 8-lane failure certain: do not add such a flag without `bench` at -XX:UseAVX=2.)
width_key="$( { readlink -f "$(command -v java)"; echo "${JAVA_TOOL_OPTIONS:-}|${JDK_JAVA_OPTIONS:-}|${GRADCAM_JAVA_OPTS:-}"; } \
  | cksum | cut -d' ' -f1)"
width_file="$root/tools/target/vector-bits-$width_key"
if [ ! -f "$width_file" ]; then
  java ${GRADCAM_JAVA_OPTS:-} -XX:+PrintFlagsFinal -version 2>/dev/null \
    | awk '$2 == "UseAVX" {a = $4} $2 == "MaxVectorSize" {m = $4} END {print (a >= 3 && m >= 64) ? 512 : 256}' \
    > "$width_file" || true
fi
if [ "$(cat "$width_file" 2>/dev/null)" = 512 ]; then
  java_opts+=("-XX:CompileCommand=BackgroundCompilation,io.gradcam4j.engine.kernels.Vector*::*,false")
fi
exec java "${java_opts[@]}" ${GRADCAM_JAVA_OPTS:-} -jar "$jar" "$@" 2> >(quiet)
