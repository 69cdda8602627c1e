#!/bin/sh
# make bench: dlua's tensor kernels beside raw OpenBLAS and PyTorch, in one run, at 1
# and 2 threads; start-up time. Writes the table to docs/bench-results.md as well.
# PyTorch runs at its best here: passive OpenMP waiting, no mmap churn, its thread
# count set for its own pool and OpenBLAS. Its default-settings figures are shown too.
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
PY=/usr/bin/python3
out=$(mktemp)
have_torch=no
if [ -x $PY ] && $PY -c 'import torch' 2>/dev/null; then have_torch=yes; fi

val() { grep "^$1 " | awk '{print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else printf "-" }'; }

{
  echo "# Benchmarks"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
       "OpenBLAS core: $(OMP_NUM_THREADS=1 $B/dlua -e 'io.write(torch._openblas_core and torch._openblas_core() or "?")' 2>/dev/null);" \
       "$(date -u +%Y-%m-%d)."
  echo "Reproduce: \`make bench\`. Higher is better; ratios are dlua / other, from this one run."
  echo
  echo "| threads | measure | dlua | raw sgemm | dlua/sgemm | PyTorch best | dlua/PyTorch | PyTorch default |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for t in 1 2; do
    d=$(OMP_NUM_THREADS=$t $B/dlua scripts/bench_tensor.lua $t)
    p=""; pd=""
    if [ $have_torch = yes ]; then
      p=$(OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE \
          MALLOC_MMAP_THRESHOLD_=1000000000 $PY scripts/bench_tensor.py $t)
      pd=$($PY scripts/bench_tensor.py $t)
    fi
    for m in add mul mm_1024x1024x1024 mm_64x784x256 linear_64x784x256; do
      dv=$(echo "$d" | val $m); pv=$(echo "$p" | val $m); pdv=$(echo "$pd" | val $m)
      unit=GB/s; sg=""
      case $m in
        mm_*|linear_*) unit=GFLOP/s
              dims=$(echo $m | sed 's/^[a-z]*_//; s/x/ /g')
              set -- $dims
              sg=$(OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t $B/bench_sgemm $1 $2 $3 10 | awk '{print $3}') ;;
      esac
      echo "| $t | $m ($unit) | $dv | ${sg:--} | $(ratio "$dv" "$sg") | ${pv:--} | $(ratio "$dv" "$pv") | ${pdv:--} |"
    done
  done
  echo
  s_d=$( { /usr/bin/time -f %e sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do $B/dlua -e '' ; done" ; } 2>&1 | tail -1)
  echo "Start-up, 10 runs: \`dlua -e ''\` ${s_d} s"
  if [ $have_torch = yes ]; then
    s_p=$( { /usr/bin/time -f %e sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do $PY -c 'import torch'; done" ; } 2>&1 | tail -1)
    echo "; \`python3 -c 'import torch'\` ${s_p} s (ratio $(ratio "$s_p" "$s_d")x faster)."
  else
    echo "; PyTorch is not installed (apt-get install python3-torch), so its columns are empty."
  fi
} | tee "$out"
cp "$out" docs/bench-results.md
rm -f "$out"
