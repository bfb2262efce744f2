#!/usr/bin/env bash
# Side-by-side timing of gradcam4j and PyTorch CPU on this machine (see compare.py).
# Installs Debian's python3-torch with OpenBLAS (without libopenblas0-pthread torch falls back to
# the reference BLAS, 10-17x slower, and a ratio against it means nothing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get install -y -q python3-torch libopenblas0-pthread >&2
fi
exec /usr/bin/python3 "$here/compare.py" "$@"
