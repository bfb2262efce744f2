#!/usr/bin/env bash
# The gradcam command line. (Named gradcam.sh because gradcam/ is the CAM module's folder.)
# Builds the runnable jar first when it is missing or older than any source file or pom.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/tools/target/gradcam.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" \( -path '*/src/main/*' -o -name pom.xml \) -not -path '*/node_modules/*' \
      -newer "$jar" -print -quit)" ]; then
  echo "gradcam: building (mvn package -pl tools -am)..." >&2
  mvn -q -B -f "$root/pom.xml" -DskipTests -pl tools -am package >&2
fi
cd "$root"
# The Vector API (an incubator module in Java 17) makes the kernels fast; without it they run scalar.
exec java --add-modules jdk.incubator.vector ${GRADCAM_JAVA_OPTS:-} -jar "$jar" "$@" 2> >(grep -v "^WARNING: Using incubator modules" >&2)
