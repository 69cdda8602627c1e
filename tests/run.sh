#!/bin/sh
# Runs the test suite and prints one closing line "N passed, N failed".
#   tests/run.sh            everything: C tests and specs, plain and sanitized builds
#   tests/run.sh c BUILD    the C tests of one build folder
#   tests/run.sh spec BUILD the busted specs against one build folder
# Each part prints a line "<part>: N passed, N failed"; the total sums them.
set -u
cd "$(dirname "$0")/.."

run_c() { # BUILD
  for t in "$1"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" 2>&1 | tail -n 40
  done
}

run_spec() { # BUILD [LD_PRELOAD]
  out=$(mktemp)
  LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./$1/lua/?.so;;" DLUA="./$1/dlua" \
    LD_PRELOAD="${2:-}" busted --lua=lua5.4 -o plainTerminal spec >"$out" 2>&1
  rc=$?
  cat "$out" | tail -n 60
  line=$(grep -E '^[0-9]+ success' "$out" | tail -n 1)
  s=$(echo "$line" | sed -E 's/^([0-9]+) success.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failure.*/\1/')
  e=$(echo "$line" | sed -E 's/.* ([0-9]+) error.*/\1/')
  if [ -z "$line" ]; then s=0; f=0; e=1; fi
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "$e" -eq 0 ] && e=1
  echo "specs ($1): $s passed, $((f + e)) failed"
  rm -f "$out"
}

total() { # sums the "N passed, N failed" lines on stdin
  awk '/[0-9]+ passed, [0-9]+ failed/ { for (i = 1; i < NF; i++) {
         if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "%d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }'
}

case "${1:-all}" in
c) run_c "$2"; exit 0 ;;
spec) run_spec "$2" "${3:-}"; exit 0 ;;
esac

log=$(mktemp)
{
  if make -s BUILD=build all >/dev/null; then
    run_c build
    run_spec build
  else
    echo "build: 0 passed, 1 failed"
  fi
  if make -s BUILD=build-asan SAN=1 OPT=-O1 all >/dev/null; then
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 run_c build-asan
    san="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:quarantine_size_mb=32 UBSAN_OPTIONS=print_stacktrace=1 run_spec build-asan "$san"
  else
    echo "sanitizer build: 0 passed, 1 failed"
  fi
} 2>&1 | tee "$log" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | total
rc=$?
rm -f "$log"
exit $rc
