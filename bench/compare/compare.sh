#!/usr/bin/env bash
# Side by side: gradcam4j, PyTorch CPU and ONNX Runtime Java on this machine (see compare.py).
# Installs Debian's python3-torch with OpenBLAS (without libopenblas0-pthread torch falls back to
# the reference BLAS, 10-17x slower, and a ratio against it means nothing), and builds
# bench/target/benchmarks.jar (with ONNX Runtime beside it in bench/target/peers/) when it is
# missing or older than a source.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get install -y -q python3-torch libopenblas0-pthread >&2
fi
jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || ! ls "$root"/bench/target/peers/onnxruntime-*.jar >/dev/null 2>&1 \
    || [ -n "$(find "$root" -name node_modules -prune -o -name target -prune -o \( -path '*/src/main/*' -o -name pom.xml \) \
      -newer "$jar" -print -quit)" ]; then
  mvn -q -B -f "$root/pom.xml" -pl bench -am package -DskipTests >&2
fi
exec /usr/bin/python3 "$here/compare.py" "$@"
