#!/bin/sh
# Deployment inference (issue 15), one thread: the Fashion-MNIST MLP and CNN in float32
# and int8 (dl.quantize) beside PyTorch's float32 and quantize_dynamic (the best of the
# engines this build has), with the targets and the model sizes on disk. Three interleaved
# rounds, each side's best; times are CPU time per forward (scripts/bench_infer.lua, .py).
#   BUILD=build sh scripts/bench_infer.sh
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
PY=/usr/bin/python3
# "key value" lines in: each key's smallest (times) or largest (rates, _sps) value out
best() { awk '$2 ~ /^[0-9.]+$/ { k = $1; v = $2 + 0; hi = k ~ /_sps$/
  if (!(k in b) || (hi && v > b[k]) || (!hi && v < b[k])) b[k] = v }
  $2 !~ /^[0-9.]+$/ { s[$1] = $2 } END { for (k in b) print k, b[k]; for (k in s) print k, s[k] }'; }
val() { echo "$1" | grep "^$2 " | awk '{print $2}' | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f", a / b; else printf "-" }'; }
kb() { awk -v a="$1" 'BEGIN { if (a != "") printf "%.0f kB", a / 1000; else printf "-" }'; }

d=""; p=""
have_torch=no
if [ -x $PY ] && $PY -c 'import torch' 2>/dev/null; then have_torch=yes; fi
for r in 1 2 3; do
  d="$d
$(OMP_NUM_THREADS=1 $B/dlua scripts/bench_infer.lua)"
  if [ $have_torch = yes ]; then
    p="$p
$(OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
      $PY scripts/bench_infer.py 2>/dev/null)"
  fi
done
d=$(echo "$d" | best); p=$(echo "$p" | best)
pf1=$(val "$p" mlp_f32_b1_us); pq64=$(val "$p" mlp_int8_b64_sps); pc1=$(val "$p" cnn_f32_b1_us)
echo "Deployment inference, 1 thread (us per forward, CPU time, or samples/s), best of 3 interleaved rounds;" \
     "dlua int8 path: $(val "$d" qgemm_path); PyTorch int8: quantize_dynamic on $(val "$p" mlp_int8_b64_engine) (batch 64)," \
     "$(val "$p" mlp_int8_b1_engine) (batch 1). Sizes: torch.save files (dlua keeps gradWeight), PyTorch state_dict."
echo
echo "| measure | dlua | PyTorch float32 | PyTorch int8 dynamic | ratio | target | size dlua | size PyTorch |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
v=$(val "$d" mlp_f32_b1_us)
echo "| MLP float32 batch 1 (us) | $v | ${pf1:--} | - | $(ratio "$v" "$pf1") x PyTorch f32 | <= 0.6 | $(kb "$(val "$d" mlp_f32_bytes)") | $(kb "$(val "$p" mlp_f32_bytes)") |"
v=$(val "$d" mlp_int8_b1_us)
echo "| MLP int8 batch 1 (us) | $v | ${pf1:--} | $(val "$p" mlp_int8_b1_us) | $(ratio "$v" "$pf1") x PyTorch f32 | <= 0.33 | $(kb "$(val "$d" mlp_int8_bytes)") | $(kb "$(val "$p" mlp_int8_bytes)") |"
v=$(val "$d" mlp_int8_b64_sps); f=$(val "$d" mlp_f32_b64_sps)
echo "| MLP int8 batch 64 (samples/s) | $v | $(val "$p" mlp_f32_b64_sps) | ${pq64:--} | $(ratio "$v" "$pq64") x PyTorch int8, $(ratio "$v" "$f") x dlua f32 ($f) | >= 1.5, >= 2 | | |"
v=$(val "$d" cnn_int8_b1_us)
echo "| CNN int8 batch 1 (us) | $v | ${pc1:--} | - | $(ratio "$v" "$pc1") x PyTorch f32 (dlua f32 $(val "$d" cnn_f32_b1_us)) | <= 0.5 | $(kb "$(val "$d" cnn_int8_bytes)") (f32 $(kb "$(val "$d" cnn_f32_bytes)")) | $(kb "$(val "$p" cnn_f32_bytes)") |"
