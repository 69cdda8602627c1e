#!/bin/sh
# The char LSTM and GRU benchmark: dlua (scripts/bench_rnn.lua) beside PyTorch
# (scripts/bench_rnn.py) at 1 and 2 threads, the best of ROUNDS interleaved rounds for each
# side, so that a shared machine's load falls on both alike. PyTorch runs at its best as in
# scripts/bench.sh: passive OpenMP waiting, its own thread count for its pool and OpenBLAS.
#   BUILD=build ROUNDS=3 STEPS=20 [PYTHON=/usr/bin/python3] sh scripts/bench_rnn.sh
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-20}
DLUA=${DLUA:-./$BUILD/dlua}
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./$BUILD/lua/?.so;;"
best() { sort -g | tail -1; }
# dlua runs twice: with OpenMP's default (spinning) wait, and passive as PyTorch; on a
# loaded machine spinning threads wait for descheduled partners at every small GEMM.
echo "| threads | model | dlua tokens/s | dlua passive | PyTorch best | dlua best/PyTorch | GEMM-only ceiling | dlua best/ceiling | dlua RSS MB | PyTorch RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for th in 1 2; do
  for model in lstm gru; do
    d=/tmp/bench_rnn_$$; : > $d.dl; : > $d.dp; : > $d.py; : > $d.ce
    for r in $(seq "$ROUNDS"); do
      OMP_NUM_THREADS=$th $DLUA scripts/bench_rnn.lua --model $model --threads $th --steps "$STEPS" >> $d.dl
      OMP_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE $DLUA scripts/bench_rnn.lua --model $model --threads $th --steps "$STEPS" >> $d.dp
      OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE \
        ${PYTHON:-/usr/bin/python3} scripts/bench_rnn.py --model $model --threads $th --steps "$STEPS" >> $d.py
      OMP_NUM_THREADS=$th OMP_WAIT_POLICY=PASSIVE $DLUA scripts/bench_rnn.lua --model $model --threads $th --steps "$STEPS" --ceiling >> $d.ce
    done
    dl=$(awk '{print $2}' $d.dl | best); dp=$(awk '{print $2}' $d.dp | best)
    py=$(awk '{print $2}' $d.py | best); ce=$(awk '{print $2}' $d.ce | best)
    db=$(printf '%s\n%s\n' "$dl" "$dp" | best)
    dr=$(awk '{print $4}' $d.dl | best); pr=$(awk '{print $4}' $d.py | best)
    echo "| $th | $model | $dl | $dp | $py | $(awk -v a="$db" -v b="$py" 'BEGIN{printf "%.2f", a/b}') | $ce | $(awk -v a="$db" -v b="$ce" 'BEGIN{printf "%.0f%%", 100*a/b}') | $dr | $pr |"
    rm -f $d.dl $d.dp $d.py $d.ce
  done
done
