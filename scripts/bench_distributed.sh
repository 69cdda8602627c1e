#!/bin/sh
# dl.distributed rows of make bench (scripts/bench_distributed.lua): the allreduce bus
# bandwidth of 4 and 64 MiB Float tensors through dlua and through the raw MPI call, in
# the same job of 2 ranks; the MLP and the CNN trained with 2 ranks x 1 thread (batch 32
# each, 0.1 MB buckets) against 1 rank x 2 threads (batch 64), samples/s, the wait for the
# allreduces after backward with and without overlap, and how far apart the two parameter
# trajectories end after the same steps. Needs Open MPI (make deps).
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
STEPS=${STEPS:-30}
tmp=$(mktemp -d)
if ! command -v mpirun >/dev/null 2>&1; then
  echo "Distributed: Open MPI is not installed (make deps), so these rows are skipped."
  exit 0
fi
val() { grep "^$1 " | awk '{print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else printf "-" }'; }
a=$(OMP_NUM_THREADS=1 $B/dlua --np 2 scripts/bench_distributed.lua allreduce 4 64 2>&1)
echo "Distributed (Open MPI $(mpirun --version 2>/dev/null | head -1 | awk '{print $NF}'), one host, shared memory):" \
     "allreduce bus bandwidth 2(N-1)/N x bytes / s, 2 ranks, best of 5 interleaved rounds; GB/s."
echo
echo "| size | dlua allreduce | raw MPI_Allreduce | dlua/raw |"
echo "| --- | --- | --- | --- |"
for m in 4 64; do
  d=$(echo "$a" | val allreduce_${m}_dlua); r=$(echo "$a" | val allreduce_${m}_raw)
  echo "| $m MiB | ${d:--} | ${r:--} | $(ratio "$d" "$r") |"
done
echo
echo "Data-parallel training, random Fashion-MNIST-shaped inputs, Adam 1e-3, $STEPS steps of a global batch of 64," \
     "samples/s (the first step not timed); max |difference| of the final parameters (float32)."
echo
echo "| model | 2 ranks x 1 thread | 1 rank x 2 threads | ratio | buckets done before backward ended | wait after backward, ms/step (without overlap) | max param diff |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for m in mlp cnn; do
  d=$(OMP_NUM_THREADS=1 $B/dlua --np 2 scripts/bench_distributed.lua train $m 32 $STEPS $tmp/$m.2 0.1 2>&1)
  n=$(OMP_NUM_THREADS=1 $B/dlua --np 2 scripts/bench_distributed.lua train $m 32 $STEPS $tmp/$m.n 0.1 nooverlap 2>&1)
  s=$(OMP_NUM_THREADS=2 $B/dlua scripts/bench_distributed.lua train $m 64 $STEPS $tmp/$m.1 2>&1)
  diff=$($B/dlua -e "local a, b = torch.load('$tmp/$m.2'), torch.load('$tmp/$m.1'); io.write(('%.2g'):format((a - b):abs():max()))" 2>&1)
  dv=$(echo "$d" | val samples_per_s); sv=$(echo "$s" | val samples_per_s)
  echo "| $m | ${dv:--} | ${sv:--} | $(ratio "$dv" "$sv") | $(echo "$d" | val overlap) | $(echo "$d" | val wait_ms) ($(echo "$n" | val wait_ms)) | $diff |"
done
rm -rf "$tmp"
