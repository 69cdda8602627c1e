#!/bin/sh
# Runs Torch7's own test suites under dlua and prints, per suite, how many tests pass and
# one line per failing test (its name and the first line of its failure).
#
#   sh scripts/torch7_suites.sh TORCH7_CHECKOUT NN_CHECKOUT [DLUA]
#
# TORCH7_CHECKOUT is a checkout of github.com/torch/torch7 (its test/ folder is run:
# test.lua through torch.test(), then each test/test_*.lua and longSize.lua that builds a
# torch.Tester), NN_CHECKOUT one of github.com/torch/nn (its test.lua, through nn.test()
# with a fixed seed). DLUA defaults to ./dlua. Nothing of either checkout is copied here;
# the driver below only loads their files and reads the Tester's results.
#
# Three shims, all named here: torch7's test.lua defines methods on
# torch.HalfTensor when it loads, so an empty torch.HalfTensor table is put in place when
# dlua has none (the tests that use Half still fail, counted under "need Char/Short/Int/
# Half"); nn.test is given an integer seed, since Lua 5.4's math.randomseed refuses the
# fractional 1e5 * torch.tic() that nn.test computes by default; and nn.hessian.enable and
# nn.Jacobian's three diagonal-Hessian checks are stubbed (the methods are obsolete and
# not provided; the tests that call them run all their other checks).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: sh scripts/torch7_suites.sh TORCH7_CHECKOUT NN_CHECKOUT [DLUA]" >&2
  exit 2
fi
T7=$(cd "$1" && pwd)
NN=$(cd "$2" && pwd)
DLUA=${3:-./dlua}
SEED=${SEED:-123}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/driver.lua" <<'EOF'
-- driver.lua SUITE FILE [ENTRY]: loads FILE; ENTRY 'torch' or 'nn' then calls torch.test()
-- or nn.test(nil, seed). Every torch.Tester run is reported as
--   RESULT <suite> <test> PASS|FAIL <first line of the failure>
local suite, file, entry = arg[1], arg[2], arg[3]
if entry == 'nn' then
   require 'nn'
   -- the diagonal-Hessian methods are obsolete and not provided: their checks are stubbed
   -- (every test that calls them still runs all its other checks)
   nn.hessian = nn.hessian or {enable = function() end}
   for _, k in ipairs({'testDiagHessianInput', 'testDiagHessianWeight', 'testDiagHessianBias'}) do
      nn.Jacobian[k] = nn.Jacobian[k] or function() return 0 end
   end
end
if not rawget(torch, 'HalfTensor') then torch.HalfTensor = {} end
local run = torch.Tester.run
local function firstline(name, t)
   for _, e in ipairs(t.errors or {}) do
      if e:sub(1, #name + 1) == name .. '\n' then
         local body = e:sub(#name + 2):gsub('^%s*Function call failed%s*', '')
         for line in body:gmatch('[^\n]+') do
            line = line:gsub('^%s+', '')
            if line ~= '' and not line:match('^stack traceback') then return line end
         end
      end
   end
   return '?'
end
local depth = 0 -- a Tester run inside a test (test_Tester's subtesters) is not reported
torch.Tester.run = function(self, names)
   depth = depth + 1
   local ok, err = pcall(run, self, names)
   depth = depth - 1
   if depth > 0 then
      if not ok then error(err, 0) end
      return 0
   end
   local tests = self:_getTests(names)
   local sorted = {}
   for name in pairs(tests) do sorted[#sorted + 1] = name end
   table.sort(sorted)
   for _, name in ipairs(sorted) do
      local bad = (self.assertionFail[name] or 0) > 0 or (self.testError[name] or 0) > 0
      local why = bad and firstline(name, self):gsub('%s+', ' '):sub(1, 200) or ''
      io.stdout:write(string.format('RESULT %s %s %s %s\n', suite, name, bad and 'FAIL' or 'PASS', why))
   end
   io.stdout:flush()
   if not ok and not tostring(err):find('An error was found while running tests', 1, true) then
      error(err, 0)
   end
   return 0
end
local ok, err = pcall(dofile, file)
if ok and entry == 'torch' then ok, err = pcall(torch.test) end
if ok and entry == 'nn' then ok, err = pcall(nn.test, nil, tonumber(os.getenv('SEED'))) end
if not ok then io.stdout:write(string.format('RESULT %s (load) FAIL %s\n', suite,
                                              tostring(err):gsub('\n.*', ''))) end
EOF

case "$DLUA" in /*) ;; *) DLUA=$(pwd)/$DLUA ;; esac

runsuite() { # suite file [entry]; the tests' own files land in $work
  (cd "$work" && SEED=$SEED "$DLUA" driver.lua "$@" 2>/dev/null || true) |
    grep '^RESULT ' >> "$work/results" || true
}

: > "$work/results"
runsuite torch7 "$T7/test/test.lua" torch
for f in "$T7"/test/test_*.lua "$T7"/test/longSize.lua; do
  [ -f "$f" ] || continue
  grep -q 'torch.Tester()' "$f" || continue
  runsuite "torch7/$(basename "$f" .lua)" "$f"
done
runsuite nn "$NN/test.lua" nn

# A failure needs the types dlua lacks when it names them, or is test.lua's call of the
# missing half() in its loops over the methods real and half (the local "func").
awk '
  { suite = $2; total[suite]++; if ($4 == "PASS") pass[suite]++;
    else { line = $0; sub(/^RESULT [^ ]+ /, "", line); fails[suite] = fails[suite] "  " line "\n";
           if (line ~ /(Char|Short|Int|Half)(Tensor|Storage)|[Hh]alf|elementSize|method .int.|local .func./) newtypes[suite]++ } }
  END {
    for (s in total) order[++n] = s
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
    for (i = 1; i <= n; i++) {
      s = order[i]
      printf "%s: %d of %d tests pass (%d failing need Char/Short/Int/Half)\n", s, pass[s] + 0, total[s], newtypes[s] + 0
      printf "%s", fails[s]
    }
  }' "$work/results"
