#!/usr/bin/env bash
# Cold start: `gradcam explain --model xception` on one image, a fresh JVM each time, including
# loading the 88 MB weights file (seeded, in the keras.applications layout: the official file
# cannot be downloaded here), against the same job in a fresh PyTorch process
# (coldstart_pytorch.py). Prints every wall time, then min and median, for runs interleaved and
# in blocks (see below). RUNS=5 by default.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${RUNS:-5}"
work="${TMPDIR:-/tmp}/gradcam4j-coldstart"
mkdir -p "$work"
if ! /usr/bin/python3 -c 'import torch, PIL' 2>/dev/null; then
  apt-get install -y -q python3-torch python3-pil libopenblas0-pthread >&2
fi
"$root/gradcam.sh" --version >/dev/null     # builds the CLI jar and its class-data archive if needed
mvn -q -B -f "$root/pom.xml" -pl bench -am package -DskipTests >&2   # WriteSeededWeights
weights="$work/xception_weights_tf_dim_ordering_tf_kernels.h5"
[ -f "$weights" ] || java -cp "$root/bench/target/benchmarks.jar" io.gradcam4j.bench.WriteSeededWeights xception "$weights"
[ -f "$work/xception.pt" ] || /usr/bin/python3 "$here/coldstart_pytorch.py" --prepare "$work/xception.pt"
image="$root/tools/src/main/resources/io/gradcam4j/demo/star.png"
ls -l "$weights" "$work/xception.pt" | awk '{print $5, $NF}'

wall() {   # prints the wall time of "$@" in seconds, output discarded
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
stats() {  # min and median of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "min %.2f s  median %.2f s\n", a[1], m}'
}
ours_run() { wall "$root/gradcam.sh" explain --model xception --weights "$weights" --out "$work/out" "$image"; }
theirs_run() { wall /usr/bin/python3 "$here/coldstart_pytorch.py" "$work/xception.pt" "$image" "$work/torch_cam.png"; }
report() {  # title, then the times
  local title="$1"; shift
  echo "  $title: $*"
  printf '%s\n' "$@" | stats | sed 's/^/    /'
}
torch_version="$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"

# Interleaved, so that both see the same machine load. Each run then starts right after the other
# tool's process exited: on a virtual machine the memory that process gave back costs page faults
# again (about 1 s more of system time for us after a PyTorch run), so this is the harder case.
ours=(); theirs=()
for i in $(seq "$runs"); do
  ours+=("$(ours_run)")
  theirs+=("$(theirs_run)")
done
echo "interleaved (each run right after the other tool's):"
report "gradcam4j explain --model xception (fresh JVM)" "${ours[@]}"
report "PyTorch $torch_version same job (fresh python3)" "${theirs[@]}"

# In blocks: each tool's runs back to back (one untimed run first), as when a user runs one tool
# again and again.
ours_run >/dev/null; ours=()
for i in $(seq "$runs"); do ours+=("$(ours_run)"); done
theirs_run >/dev/null; theirs=()
for i in $(seq "$runs"); do theirs+=("$(theirs_run)"); done
echo "in blocks (each tool's runs back to back):"
report "gradcam4j explain --model xception (fresh JVM)" "${ours[@]}"
report "PyTorch $torch_version same job (fresh python3)" "${theirs[@]}"
