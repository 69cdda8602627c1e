#!/bin/sh
# Issue 17's before/after: the models' training rates on dlua's own GEMM (DLUA_GEMM=auto,
# the default) against the same binary on OpenBLAS alone (DLUA_GEMM=openblas, as before dlua
# had its own), 1 thread, the two interleaved, the best of ROUNDS rounds each.
#   BUILD=build ROUNDS=3 sh scripts/bench_gemm_models.sh
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DLUA=${DLUA:-./$BUILD/dlua}
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./$BUILD/lua/?.so;;"
best() { sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else printf "-" }'; }
# run NAME TARGET COMMAND...: one table row; COMMAND prints "key value" with the rate second
run() {
  name=$1; target=$2; shift 2
  o=""; a=""
  for r in $(seq "$ROUNDS"); do
    o="$o
$(OMP_NUM_THREADS=1 DLUA_GEMM=openblas "$@" | awk 'NR == 1 {print $2}')"
    a="$a
$(OMP_NUM_THREADS=1 DLUA_GEMM=auto "$@" | awk 'NR == 1 {print $2}')"
  done
  o=$(echo "$o" | grep . | best); a=$(echo "$a" | grep . | best)
  echo "| $name | $o | $a | $(ratio "$a" "$o") | $target |"
}
echo "| model (training, 1 thread) | OpenBLAS only | dlua's GEMM | after/before | target |"
echo "| --- | --- | --- | --- | --- |"
if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  run "Fashion-MNIST MLP, samples/s" ">= 1.5" $DLUA scripts/bench_models.lua mlp 1
  run "Fashion-MNIST CNN, samples/s" ">= 1.25" $DLUA scripts/bench_models.lua cnn 1
fi
run "char LSTM, tokens/s" "-" $DLUA scripts/bench_rnn.lua --model lstm --threads 1
run "char GPT, tokens/s" "-" $DLUA scripts/bench_gpt.lua --threads 1
