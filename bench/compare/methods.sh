#!/usr/bin/env bash
# Explanation methods side by side with PyTorch CPU (see methods.py). Installs Debian's
# python3-torch with OpenBLAS, as compare.sh does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get install -y -q python3-torch libopenblas0-pthread >&2
fi
exec /usr/bin/python3 "$here/methods.py" "$@"
