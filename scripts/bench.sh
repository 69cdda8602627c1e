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
# "key value" lines in, each key's largest numeric value out
best() { awk '$2 ~ /^[0-9.]+$/ { if (!($1 in b) || $2 + 0 > b[$1]) b[$1] = $2 + 0 } END { for (k in b) print k, b[k] }'; }
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
  # dlua's own GEMM (issue 17, docs/gemm.md) beside OpenBLAS pinned to its Haswell kernels
  # (this environment) and OpenBLAS with OPENBLAS_CORETYPE unset for that one command (its
  # AVX-512 kernels): 1024^3, the MLP layer's forward and backward shapes, and 2 threads.
  gemm_col() { grep "^$1 " | awk '{print $3}'; }
  echo "dlua's GEMM (scripts/bench_gemm.c, GFLOP/s, best of 10): OpenBLAS pinned (OPENBLAS_CORETYPE=Haswell)," \
       "OpenBLAS AVX-512 (OPENBLAS_CORETYPE unset for that command only), dlua's packed kernel ($($B/dlua -e 'io.write(select(2, torch.getgemm()))' 2>/dev/null))."
  echo
  echo "| threads | M x K x N (op) | OpenBLAS pinned | OpenBLAS AVX-512 (coretype unset) | dlua | dlua/pinned | dlua/AVX-512 | target |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for row in "1024 1024 1024 nn 0.85 x AVX-512" "64 784 256 nt 1.6 x pinned" "64 256 784 nn 1.6 x pinned" \
             "256 64 784 tn 1.6 x pinned"; do
    set -- $row
    g=$(OMP_NUM_THREADS=1 $B/bench_gemm $1 $2 $3 $4 10)
    u=$(OMP_NUM_THREADS=1 env -u OPENBLAS_CORETYPE $B/bench_gemm $1 $2 $3 $4 10)
    op=$(echo "$g" | gemm_col openblas); ou=$(echo "$u" | gemm_col openblas); dv=$(echo "$g" | gemm_col dlua)
    echo "| 1 | $1x$2x$3 ($4) | $op | $ou | $dv | $(ratio "$dv" "$op") | $(ratio "$dv" "$ou") | >= $5 $6 $7 |"
  done
  d1=$(OMP_NUM_THREADS=1 $B/bench_gemm 1024 1024 1024 nn 10 | gemm_col dlua)
  g2=$(OMP_NUM_THREADS=2 $B/bench_gemm 1024 1024 1024 nn 10)
  u2=$(OMP_NUM_THREADS=2 env -u OPENBLAS_CORETYPE $B/bench_gemm 1024 1024 1024 nn 10 | gemm_col openblas)
  d2=$(echo "$g2" | gemm_col dlua)
  echo "| 2 | 1024x1024x1024 (nn) | $(echo "$g2" | gemm_col openblas) | $u2 | $d2 | 2 threads / 1 thread: $(ratio "$d2" "$d1") | $(ratio "$d2" "$u2") | >= 1.8 x 1 thread |"
  echo
  echo "The models on dlua's GEMM against OpenBLAS alone (scripts/bench_gemm_models.sh: DLUA_GEMM=openblas, then the default), best of 3 interleaved rounds:"
  echo
  BUILD=$B sh scripts/bench_gemm_models.sh
  echo
  # Models: the Fashion-MNIST MLP and CNN of scripts/train_fmnist_*.lua, training (Adam
  # 1e-3, batch 64) and inference, samples/s, with each process's peak resident memory.
  if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    echo "Models on Fashion-MNIST (batch 64, Adam 1e-3), samples/s, the best of three interleaved rounds for each side;" \
         "peak RSS in MB (VmHWM). MLP train % of sgemm peak counts" \
         "its multiply-adds (784x256 + 256x128 + 128x10 per sample, forward 1x, backward 2x) against 1024^3 cblas_sgemm (best of 3 runs)."
    echo
    echo "| threads | measure | dlua | PyTorch best | dlua/PyTorch | PyTorch default | dlua RSS | PyTorch RSS | % sgemm peak |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for t in 1 2; do
      # the peak is the best of three runs: other tenants of a shared machine only lower it
      peak=$(for r in 1 2 3; do OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t $B/bench_sgemm 1024 1024 1024 20; done |
             awk '$3 > p { p = $3 } END { print p }')
      for m in mlp cnn; do
        # three rounds, the two sides interleaved so that a burst of load from other
        # tenants hits both; each side's best round is reported
        d=""; p=""; pd=""
        for r in 1 2 3; do
          d="$d
$(OMP_NUM_THREADS=$t $B/dlua scripts/bench_models.lua $m $t)"
          if [ $have_torch = yes ]; then
            p="$p
$(OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE \
              MALLOC_MMAP_THRESHOLD_=1000000000 $PY scripts/bench_models.py $m $t)"
            pd="$pd
$($PY scripts/bench_models.py $m $t)"
          fi
        done
        d=$(echo "$d" | best); p=$(echo "$p" | best); pd=$(echo "$pd" | best)
        dr=$(echo "$d" | val peak_rss_kb | awk '{ if ($1 + 0 > 0) printf "%.0f", $1 / 1024; else print "-" }')
        pr=$(echo "$p" | val peak_rss_kb | awk '{ if ($1 + 0 > 0) printf "%.0f", $1 / 1024; else print "-" }')
        for phase in train infer; do
          dv=$(echo "$d" | val ${m}_$phase); pv=$(echo "$p" | val ${m}_$phase); pdv=$(echo "$pd" | val ${m}_$phase)
          frac=-
          if [ $m = mlp ] && [ $phase = train ]; then
            frac=$(awk -v s="$dv" -v g="$peak" 'BEGIN { if (g > 0 && s + 0 > 0) printf "%.0f%% of %.1f GFLOP/s", 100 * s * 2 * 3 * (784*256 + 256*128 + 128*10) / (g * 1e9), g; else printf "-" }')
          fi
          echo "| $t | $m $phase | ${dv:--} | ${pv:--} | $(ratio "$dv" "$pv") | ${pdv:--} | ${dr:--} | ${pr:--} | $frac |"
        done
      done
    done
    echo
  else
    echo "Models: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist), so they are skipped."
    echo
  fi
  # The char LSTM and GRU of issue 12 (embedding 64, hidden 256, seq 64, batch 32, Adam,
  # clip 5): training tokens/s beside torch.nn.LSTM/GRU and the GEMM-only ceiling.
  if [ $have_torch = yes ]; then
    echo "Recurrent char models (2 layers, scripts/bench_rnn.sh), training tokens/s, best of interleaved rounds:"
    echo
    BUILD=$B sh scripts/bench_rnn.sh
    echo
    # The character GPT of issue 13 (4 layers, 4 heads, 128, block 64, batch 12, AdamW):
    # training tokens/s beside the faster of two PyTorch attentions, and cached generation.
    echo "Character GPT (scripts/bench_gpt.sh), tokens/s, best of interleaved rounds:"
    echo
    BUILD=$B sh scripts/bench_gpt.sh
    echo
  fi
  # Deployment (issue 15): batch-1 latency and int8 throughput of the Fashion-MNIST models.
  BUILD=$B sh scripts/bench_infer.sh
  echo
  # dl.distributed (issue 16): allreduce bandwidth beside raw MPI, 2 ranks x 1 thread
  # against 1 rank x 2 threads on the MLP and the CNN.
  BUILD=$B sh scripts/bench_distributed.sh
  echo
  s_d=$( { /usr/bin/time -f %e sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do $B/dlua -e '' ; done" ; } 2>&1 | tail -1)
  printf "Start-up, 10 runs: \`dlua -e ''\` %s s" "${s_d}"
  if [ $have_torch = yes ]; then
    s_p=$( { /usr/bin/time -f %e sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do $PY -c 'import torch'; done" ; } 2>&1 | tail -1)
    echo "; \`python3 -c 'import torch'\` ${s_p} s (ratio $(ratio "$s_p" "$s_d")x faster)."
  else
    echo "; PyTorch is not installed (apt-get install python3-torch), so its columns are empty."
  fi
} | tee "$out"
cp "$out" docs/bench-results.md
rm -f "$out"
