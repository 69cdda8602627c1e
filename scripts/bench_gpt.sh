#!/bin/sh
# The character GPT benchmark of issue 13: dlua (scripts/bench_gpt.lua) beside PyTorch
# (scripts/bench_gpt.py, with torch.nn.MultiheadAttention and with a hand-written attention,
# the faster kept) at 1 and 2 threads, training tokens/s and peak RSS, the best of ROUNDS
# interleaved rounds for each side; then generation tokens/s, dlua with its key/value cache
# beside PyTorch re-running the model on the growing prefix (its modules have no cache),
# and dlua's int8 model (dl.quantize) generating the same way.
# PyTorch runs at its best as in scripts/bench.sh: passive waiting, its own thread count.
#   BUILD=build ROUNDS=3 STEPS=20 [PYTHON=/usr/bin/python3] sh scripts/bench_gpt.sh
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-20}
DLUA=${DLUA:-./$BUILD/dlua}
PY=${PYTHON:-/usr/bin/python3}
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./$BUILD/lua/?.so;;"
best() { sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else printf "-" }'; }
echo "| threads | measure | dlua tokens/s | PyTorch best | dlua/PyTorch | PyTorch nn.MultiheadAttention | PyTorch hand-written | dlua RSS MB | PyTorch RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for th in 1 2; do
  d=/tmp/bench_gpt_$$; : > $d.dl; : > $d.pm; : > $d.ph
  for r in $(seq "$ROUNDS"); do
    OMP_NUM_THREADS=$th $DLUA scripts/bench_gpt.lua --threads $th --steps "$STEPS" >> $d.dl
    OMP_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE $DLUA scripts/bench_gpt.lua --threads $th --steps "$STEPS" >> $d.dl
    OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE \
      $PY scripts/bench_gpt.py --threads $th --steps "$STEPS" --attn mha >> $d.pm
    OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE \
      $PY scripts/bench_gpt.py --threads $th --steps "$STEPS" --attn hand >> $d.ph
  done
  dl=$(awk '{print $2}' $d.dl | best); pm=$(awk '{print $2}' $d.pm | best)
  ph=$(awk '{print $2}' $d.ph | best); py=$(printf '%s\n%s\n' "$pm" "$ph" | best)
  dr=$(awk '{print $4}' $d.dl | best); pr=$(cat $d.pm $d.ph | awk '{print $4}' | best)
  echo "| $th | train | $dl | $py | $(ratio "$dl" "$py") | $pm | $ph | $dr | $pr |"
  rm -f $d.dl $d.pm $d.ph
done
d=/tmp/bench_gpt_$$; : > $d.dl; : > $d.py; : > $d.q8
for r in $(seq "$ROUNDS"); do
  OMP_NUM_THREADS=1 $DLUA scripts/bench_gpt.lua --threads 1 --generate --steps 10 >> $d.dl
  OMP_NUM_THREADS=1 $DLUA scripts/bench_gpt.lua --threads 1 --generate --int8 --steps 10 >> $d.q8
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
    $PY scripts/bench_gpt.py --threads 1 --generate --steps 3 >> $d.py
done
dl=$(awk '{print $2}' $d.dl | best); py=$(awk '{print $2}' $d.py | best)
echo "| 1 | generate (dlua cached, PyTorch re-running the prefix) | $dl | $py | $(ratio "$dl" "$py") | - | $py | $(awk '{print $4}' $d.dl | best) | $(awk '{print $4}' $d.py | best) |"
q8=$(awk '{print $2}' $d.q8 | best)
echo "| 1 | generate int8 (dl.quantize's model, cached) | $q8 | $py | $(ratio "$q8" "$py") | - | $py | $(awk '{print $4}' $d.q8 | best) | - |"
rm -f $d.dl $d.py $d.q8
