-- torch.Tester and torch.TestSuite: Torch7's unit-test runner and assertions, so that
-- Torch7 test files run unchanged. Differences: tests run in sorted name order (Torch7
-- used pairs order), no colours, and tensors are compared element by element in Lua
-- (so the Tester does not depend on tensor math).
local torch = require 'torch.core'

local check = {} -- comparison helpers, defined at the bottom

local Tester = torch.class('torch.Tester')

function Tester:__init()
   self.errors = {}
   self.tests = {}
   self.warnings = {}
   self._warningCount = {}
   self.disabledTests = {}
   self._currentTestName = ''
   self.assertionPass = {}
   self.assertionFail = {}
   self.testError = {}
   -- As in Torch7: assertTensorEq compares contents only, so {{1}} equals {1} (with a
   -- warning); eq() checks dimensions.
   self._assertTensorEqIgnoresDims = true
end

function Tester:setEarlyAbort(earlyAbort) self.earlyAbort = earlyAbort end
function Tester:setRethrowErrors(rethrow) self.rethrow = rethrow end
function Tester:setSummaryOnly(summaryOnly) self.summaryOnly = summaryOnly end

local function bump(counts, name)
   counts[name] = (counts[name] or 0) + 1
end

function Tester:_success()
   bump(self.assertionPass, self._currentTestName)
   return true
end

local thisfile = debug.getinfo(1, 'S').short_src

-- Where an assertion was made: the first two stack lines outside this file, up to the
-- test runner's xpcall (tail calls inside the Tester hide its own frames anyway).
local function callsite()
   local lines = {}
   for line in (debug.traceback('', 2) or ''):gmatch('[^\n]+') do
      if line:find('xpcall', 1, true) or #lines == 2 then break end
      if line:find('^%s') and not line:find(thisfile, 1, true) and not line:find('tail calls', 1, true) then
         lines[#lines + 1] = line
      end
   end
   return table.concat(lines, '\n')
end

-- The failure message with the test name and the place of the assertion.
function Tester:_addDebugInfo(message)
   local name = self._currentTestName
   return (name ~= '' and name .. '\n' or '') .. message .. '\n' .. callsite()
end

function Tester:_failure(message)
   if self.rethrow then error(message, 2) end
   bump(self.assertionFail, self._currentTestName)
   self.errors[#self.errors + 1] = self:_addDebugInfo(message)
   return false
end

function Tester:_warning(message)
   bump(self._warningCount, self._currentTestName)
   self.warnings[#self.warnings + 1] = self:_addDebugInfo(message)
end

function Tester:_assert_sub(condition, message)
   if condition then return self:_success() end
   return self:_failure(message)
end

local function getMessage(message, ...)
   assert(select('#', ...) == 0 or next({...}) == nil, 'Unexpected arguments passed to test function')
   if message then
      assert(type(message) == 'string', 'message parameter must be a string')
      if message ~= '' then return message .. '\n' end
   end
   return ''
end

-- A tolerance and a message, in either order (Torch7 accepted both orders).
local function getToleranceAndMessage(defaultTolerance, ...)
   local message, tolerance
   for _, a in ipairs({...}) do
      if type(a) == 'string' then
         if message then error('Unexpected string argument; already have message', 3) end
         message = a .. '\n'
      elseif type(a) == 'number' then
         if tolerance then error('Unexpected number argument; already have tolerance', 3) end
         if a ~= a or a < 0 then error('tolerance cannot be negative', 3) end
         tolerance = a
      else
         error('Unrecognized argument; should be a tolerance or message', 3)
      end
   end
   return tolerance or defaultTolerance, message or ''
end

-- tester:assert(condition [, message])
function Tester:assert(condition, ...)
   local message = getMessage(...)
   if type(condition) ~= 'boolean' then
      self:_warning(' :assert should only be used for boolean conditions. '
                    .. 'To check for non-nil variables, do this explicitly: '
                    .. 'Tester:assert(var ~= nil).')
   end
   return self:_assert_sub(condition, string.format('%sBOOL violation condition=%s', message,
                                                    tostring(condition)))
end

-- tester:eq(got, expected [, tolerance] [, message]): deep equality of numbers, strings,
-- tables, tensors and storages; numbers and tensor elements within tolerance.
function Tester:assertGeneralEq(got, expected, ...)
   return self:_eqOrNeq(got, expected, false, ...)
end
function Tester:eq(got, expected, ...) return self:assertGeneralEq(got, expected, ...) end

function Tester:assertGeneralNe(got, unexpected, ...)
   return self:_eqOrNeq(got, unexpected, true, ...)
end
function Tester:ne(got, unexpected, ...) return self:assertGeneralNe(got, unexpected, ...) end

function Tester:_eqOrNeq(got, expected, negate, ...)
   local tolerance, message = getToleranceAndMessage(0, ...)
   local success, sub = check.areEq(got, expected, tolerance, negate)
   return self:_assert_sub(success, message .. (sub or ''))
end

function Tester:assertlt(a, b, ...)
   local message = getMessage(...)
   return self:_assert_sub(a < b, string.format('%sLT failed: %s >= %s', message, tostring(a), tostring(b)))
end

function Tester:assertgt(a, b, ...)
   local message = getMessage(...)
   return self:_assert_sub(a > b, string.format('%sGT failed: %s <= %s', message, tostring(a), tostring(b)))
end

function Tester:assertle(a, b, ...)
   local message = getMessage(...)
   return self:_assert_sub(a <= b, string.format('%sLE failed: %s > %s', message, tostring(a), tostring(b)))
end

function Tester:assertge(a, b, ...)
   local message = getMessage(...)
   return self:_assert_sub(a >= b, string.format('%sGE failed: %s < %s', message, tostring(a), tostring(b)))
end

-- tester:assertalmosteq(a, b [, tolerance = 1e-16] [, message]): |a - b| <= tolerance.
function Tester:assertalmosteq(a, b, ...)
   local tolerance, message = getToleranceAndMessage(1e-16, ...)
   local diff = math.abs(a - b)
   return self:_assert_sub(diff <= tolerance or a == b,
                           string.format('%sALMOST_EQ failed: %s ~= %s with tolerance=%s', message,
                                         tostring(a), tostring(b), tostring(tolerance)))
end

function Tester:asserteq(a, b, ...)
   local message = getMessage(...)
   return self:_assert_sub(a == b, string.format('%sEQ failed: %s ~= %s', message, tostring(a), tostring(b)))
end

function Tester:assertne(a, b, ...)
   local message = getMessage(...)
   if type(a) == type(b) and (type(a) == 'table' or type(a) == 'userdata') then
      self:_warning(' :assertne should only be used to compare basic lua '
                    .. 'objects (numbers, booleans, etc). Consider using '
                    .. 'either :assertGeneralNe or :assert(a ~= b).')
   end
   return self:_assert_sub(a ~= b, string.format('%sNE failed: %s == %s', message, tostring(a), tostring(b)))
end

-- tester:assertTensorEq(ta, tb [, tolerance = 0] [, message]): the largest elementwise
-- difference is at most tolerance.
function Tester:assertTensorEq(ta, tb, ...) return self:_assertTensorEqOrNeq(ta, tb, false, ...) end
function Tester:assertTensorNe(ta, tb, ...) return self:_assertTensorEqOrNeq(ta, tb, true, ...) end

function Tester:_assertTensorEqOrNeq(ta, tb, negate, ...)
   assert(torch.isTensor(ta), 'First argument should be a Tensor')
   assert(torch.isTensor(tb), 'Second argument should be a Tensor')
   local tolerance, message = getToleranceAndMessage(0, ...)
   local ignoreDims = self._assertTensorEqIgnoresDims
   local success, sub = check.areTensorsEq(ta, tb, tolerance, negate, ignoreDims)
   if ignoreDims and not negate and success and not check.sameSize(ta, tb) then
      self:_warning('Tensors have the same content but different dimensions. '
                    .. 'For backwards compatibility, they are considered equal, '
                    .. 'but this may change in the future. Consider using :eq '
                    .. 'to check for equality instead.')
   end
   return self:_assert_sub(success, message .. (sub or ''))
end

-- tester:assertTableEq(ta, tb [, tolerance] [, message]): deep table equality.
function Tester:assertTableEq(ta, tb, ...) return self:_assertTableEqOrNeq(ta, tb, false, ...) end
function Tester:assertTableNe(ta, tb, ...) return self:_assertTableEqOrNeq(ta, tb, true, ...) end

function Tester:_assertTableEqOrNeq(ta, tb, negate, ...)
   assert(type(ta) == 'table', 'First argument should be a Table')
   assert(type(tb) == 'table', 'Second argument should be a Table')
   return self:_eqOrNeq(ta, tb, negate, ...)
end

-- tester:assertError(f [, message]): f() raises an error.
function Tester:assertError(f, ...)
   return self:assertErrorObj(f, function() return true end, ...)
end

-- tester:assertNoError(f [, message]): f() runs without error.
function Tester:assertNoError(f, ...)
   local message = getMessage(...)
   local status, err = pcall(f)
   return self:_assert_sub(status, string.format('%sERROR violation: err=%s', message, tostring(err)))
end

-- tester:assertErrorMsg(f, errmsg [, message]): f() raises exactly errmsg.
function Tester:assertErrorMsg(f, errmsg, ...)
   return self:assertErrorObj(f, function(err) return err == errmsg end, ...)
end

-- tester:assertErrorPattern(f, pattern [, message]): f()'s error matches pattern.
function Tester:assertErrorPattern(f, errPattern, ...)
   local function errcomp(err)
      return type(err) == 'string' and string.find(err, errPattern) ~= nil
   end
   return self:assertErrorObj(f, errcomp, ...)
end

-- tester:assertErrorObj(f, errcomp [, message]): f() raises an error e with errcomp(e).
function Tester:assertErrorObj(f, errcomp, ...)
   local message = getMessage(...)
   local status, err = pcall(f)
   return self:_assert_sub((not status) and errcomp(err),
                           string.format('%sERROR violation: err=%s', message, tostring(err)))
end

-- tester:add(f, name) or tester:add(suite): adds a test, or every test of a TestSuite
-- (or plain table). '_setUp' and '_tearDown' run before and after each test.
function Tester:add(f, name)
   if type(f) == 'table' then
      assert(name == nil, 'Name parameter is forbidden for a table of tests, since its use is ambiguous')
      if rawget(f, '__isTestSuite') then
         f = rawget(f, '__tests')
      else
         self:_warning('Should use TestSuite rather than plain lua table')
         self._earlyWarnings = self._earlyWarnings or {}
         table.insert(self._earlyWarnings, self.warnings[#self.warnings])
      end
      for k, v in pairs(f) do
         assert(type(v) ~= 'table', 'Nested sets of tests are not supported')
         self:add(v, k)
      end
      return self
   end
   assert(type(f) == 'function', 'Only tables of functions and functions supported')
   if name == '_setUp' then
      assert(not self._setUp, 'Only one set-up function allowed')
      self._setUp = f
   elseif name == '_tearDown' then
      assert(not self._tearDown, 'Only one tear-down function allowed')
      self._tearDown = f
   else
      name = name or 'unknown'
      if self.tests[name] ~= nil then error('Test with name ' .. name .. ' already exists!', 2) end
      self.tests[name] = f
   end
   return self
end

-- tester:disable(name or {names}): those tests are skipped (and reported).
function Tester:disable(testNames)
   if type(testNames) == 'string' then testNames = {testNames} end
   assert(type(testNames) == 'table', 'Expecting name or list for disable')
   for _, name in ipairs(testNames) do
      assert(self.tests[name], "Unrecognized test '" .. name .. "'")
      self.disabledTests[name] = true
   end
   return self
end

local function sortednames(tests)
   local names = {}
   for name in pairs(tests) do names[#names + 1] = tostring(name) end
   table.sort(names)
   return names
end

-- tester:run([name or {names}]): runs the tests (names are Lua patterns), prints a line
-- per test and a summary, and raises an error when any assertion failed or any test
-- raised, so that a script running the tests exits with a non-zero status.
function Tester:run(testNames)
   local tests = self:_getTests(testNames)
   self.assertionPass, self.assertionFail, self.testError = {}, {}, {}
   -- warnings given before the run (add() of a plain table) are reported with it
   local early = {}
   for i, w in ipairs(self._earlyWarnings or {}) do early[i] = w end
   self.errors, self.warnings = {}, early
   for name in pairs(tests) do
      self.assertionPass[name] = 0
      self.assertionFail[name] = 0
      self.testError[name] = 0
      self._warningCount[name] = 0
   end
   self:_run(tests)
   self:_report(tests)
   for name in pairs(tests) do
      if self.assertionFail[name] > 0 or self.testError[name] > 0 then
         error('An error was found while running tests!', 2)
      end
   end
   return 0
end

local function pluralize(num, str)
   local stem = num .. ' ' .. str
   return num == 1 and stem or stem .. 's'
end

local NCOLS = 80

function Tester:_run(tests)
   local names = {}
   for _, name in ipairs(sortednames(tests)) do names[#names + 1] = name end
   local ntests = #names
   local nstr = string.format('%u', ntests)
   local cfmt = string.format('%%%uu/%u ', #nstr, ntests)
   local cfmtlen = #nstr * 2 + 2
   io.write('Running ' .. pluralize(ntests, 'test') .. '\n')
   for i, name in ipairs(names) do
      local fn = tests[name]
      self._currentTestName = name
      local dots = math.max(1, NCOLS - 6 - 2 - cfmtlen - #name)
      local strinit = string.format(cfmt, i) .. name .. ' ' .. string.rep('.', dots) .. ' '
      io.write(strinit .. '[WAIT]')
      io.flush()
      local status, pass, skip
      if self.disabledTests[name] then
         skip = true
      else
         if self._setUp then self._setUp(name) end
         if self.rethrow then
            local nerr = #self.errors
            fn()
            status, pass = true, nerr == #self.errors
         else
            local ok, _, passed = self:_pcall(fn)
            status, pass = ok, passed
         end
         if self._tearDown then self._tearDown(name) end
      end
      io.write('\r' .. strinit)
      if skip then
         io.write('[SKIP]')
      elseif not status then
         self.testError[name] = 1
         io.write('[ERROR]')
      elseif not pass then
         io.write('[FAIL]')
      else
         io.write('[PASS]')
         if self._warningCount[name] > 0 then
            io.write('\n' .. string.rep(' ', NCOLS - 10) .. '[+warning]')
         end
      end
      io.write('\n')
      io.flush()
      if self.earlyAbort and i < ntests and not skip and (not status or not pass) then
         io.write('Aborting on first error, not all tests have been executed\n')
         break
      end
      collectgarbage()
   end
   self._currentTestName = ''
end

function Tester:_pcall(f)
   local nerr = #self.errors
   local stat, result = xpcall(f, debug.traceback)
   if not stat then
      self.errors[#self.errors + 1] = self._currentTestName .. '\n Function call failed\n' .. tostring(result) .. '\n'
   end
   return stat, result, stat and (nerr == #self.errors)
end

function Tester:_getTests(testNames)
   if testNames == nil then return self.tests end
   if type(testNames) == 'string' then testNames = {testNames} end
   assert(type(testNames) == 'table', 'Only accept a name or table of test names (or nil for all tests)')
   local tests = {}
   for _, pattern in ipairs(testNames) do
      local found = false
      for name, fn in pairs(self.tests) do
         if name == pattern or string.match(name, pattern) then
            tests[name] = fn
            found = true
         end
      end
      assert(found, "Couldn't find test '" .. pattern .. "'")
   end
   return tests
end

function Tester:_report(tests)
   local ntests, nfailures, nerrors, nskipped, nwarnings = 0, 0, 0, 0, 0
   self.countasserts = 0
   for name in pairs(tests) do
      ntests = ntests + 1
      self.countasserts = self.countasserts + self.assertionFail[name] + self.assertionPass[name]
      if self.assertionFail[name] > 0 then nfailures = nfailures + 1 end
      if self.testError[name] > 0 then nerrors = nerrors + 1 end
      if self._warningCount[name] > 0 then nwarnings = nwarnings + 1 end
      if self.disabledTests[name] then nskipped = nskipped + 1 end
   end
   if self._warningCount[''] then nwarnings = nwarnings + self._warningCount[''] end
   io.write('Completed ' .. pluralize(self.countasserts, 'assert'))
   io.write(' in ' .. pluralize(ntests, 'test') .. ' with ')
   io.write(pluralize(nfailures, 'failure') .. ' and ' .. pluralize(nerrors, 'error'))
   if nwarnings > 0 then io.write(' and ' .. pluralize(nwarnings, 'warning')) end
   if nskipped > 0 then io.write(' and ' .. nskipped .. ' disabled') end
   io.write('\n')
   if self.summaryOnly then return end
   local dashes = string.rep('-', NCOLS) .. '\n'
   local first = true
   local function section(text)
      if first then io.write(dashes); first = false end
      io.write(text .. '\n' .. dashes)
   end
   for _, v in ipairs(self.errors) do section(v) end
   for _, v in ipairs(self.warnings) do section(v) end
end

-- torch.TestSuite(): a table of tests that refuses duplicate names and non-functions.
function torch.TestSuite()
   local obj = {__tests = {}, __isTestSuite = true}
   local mt = {}
   function mt:__index(key)
      return rawget(self, '__tests')[key]
   end
   function mt:__newindex(key, value)
      local tests = rawget(self, '__tests')
      if tests[key] ~= nil then error('Test ' .. tostring(key) .. ' is already defined.', 2) end
      if type(value) ~= 'function' then
         if type(value) == 'table' then error('Nested tables of tests are not supported', 2) end
         error('Only functions are supported as members of a TestSuite', 2)
      end
      tests[key] = value
   end
   return setmetatable(obj, mt)
end

---------------------------------------------------------------------------------------
-- Comparisons. Each returns success and, on failure, a message.

function check.sameSize(ta, tb)
   if ta:dim() ~= tb:dim() then return false end
   for d = 1, ta:dim() do
      if ta:size(d) ~= tb:size(d) then return false end
   end
   return true
end

local function sizestr(t)
   local s = {}
   for d = 1, t:dim() do s[d] = tostring(t:size(d)) end
   return #s > 0 and table.concat(s, 'x') or 'empty'
end

-- The largest |a - b| over elements in row-major order; NaN if any difference is NaN
-- (a NaN never equals anything, as Torch7's max(abs(a - b)) gave). Equal values,
-- infinities included, differ by 0.
local function maxdiff(ta, tb)
   local err = 0
   if ta:nElement() == 0 then return err end
   local nb, sb = torch._cursor(tb)
   torch._walk(ta, function(sa, k)
      local a, b = sa[k], sb[nb()]
      if a ~= b then
         local d = math.abs(a - b)
         if d ~= d or err ~= err then
            err = 0 / 0
         elseif d > err then
            err = d
         end
      end
   end)
   return err
end

function check.areSameFormatTensorsEq(ta, tb, tolerance, negate, storage)
   local err = maxdiff(ta, tb)
   local success = err <= tolerance
   if negate then success = not success end
   if success then return true end
   local prefix = storage and 'Storage' or 'Tensor'
   local violation = negate and 'NE(==)' or 'EQ(==)'
   return false, string.format('%s%s violation: max diff=%s, tolerance=%s', prefix, violation,
                               tostring(err), tostring(tolerance))
end

function check.areTensorsEq(ta, tb, tolerance, negate, ignoreTensorDims)
   if not ignoreTensorDims and ta:dim() ~= tb:dim() then
      return negate, 'The tensors have different dimensions'
   end
   if torch.type(ta) ~= torch.type(tb) then
      return negate, 'The tensors have different types (' .. torch.type(ta) .. ' and ' .. torch.type(tb) .. ')'
   end
   if ta:nElement() == 0 and tb:nElement() == 0 then
      return not negate, 'Both tensors are empty'
   end
   local same
   if ignoreTensorDims then
      same = ta:nElement() == tb:nElement()
   else
      same = check.sameSize(ta, tb)
   end
   if not same then
      return negate, 'The tensors have different sizes (' .. sizestr(ta) .. ' and ' .. sizestr(tb) .. ')'
   end
   return check.areSameFormatTensorsEq(ta, tb, tolerance, negate, false)
end

function check.areStoragesEq(sa, sb, tolerance, negate)
   if #sa ~= #sb then return negate, 'The storages have different sizes' end
   if torch.type(sa) ~= torch.type(sb) then return negate, 'The storages have different types' end
   local err = 0
   for i = 1, #sa do
      local a, b = sa[i], sb[i]
      if a ~= b then
         local d = math.abs(a - b)
         if d ~= d then err = d break end
         if d > err then err = d end
      end
   end
   local success = err <= tolerance
   if negate then success = not success end
   if success then return true end
   return false, string.format('Storage%s violation: max diff=%s, tolerance=%s',
                               negate and 'NE(==)' or 'EQ(==)', tostring(err), tostring(tolerance))
end

-- Deep equality: same Lua types; numbers within tolerance; tables key by key; tensors
-- and storages elementwise; anything else with ==.
function check.areEq(got, expected, tolerance, negate)
   if type(got) ~= type(expected) then
      if negate then return true end
      return false, 'EQ failed: values have different types (first: ' .. type(got) .. ', second: '
                    .. type(expected) .. ')'
   elseif type(got) == 'number' then
      local ok = got == expected or math.abs(got - expected) <= tolerance
      if negate then ok = not ok end
      if ok then return true end
      local msg = negate and string.format('NE failed: %s == %s', tostring(got), tostring(expected))
                  or string.format('EQ failed: %s ~= %s', tostring(got), tostring(expected))
      if tolerance > 0 then msg = msg .. ' with tolerance=' .. tostring(tolerance) end
      return false, msg
   elseif torch.isTensor(got) and torch.isTensor(expected) then
      return check.areTensorsEq(got, expected, tolerance, negate)
   elseif torch.isStorage(got) and torch.isStorage(expected) then
      return check.areStoragesEq(got, expected, tolerance, negate)
   elseif type(expected) == 'table' then
      return check.areTablesEq(got, expected, tolerance, negate)
   else
      local ok = got == expected
      if negate then ok = not ok end
      if ok then return true end
      local fmt = negate and 'NE failed: %s (%s) == %s (%s)' or 'EQ failed: %s (%s) ~= %s (%s)'
      return false, string.format(fmt, tostring(got), type(got), tostring(expected), type(expected))
   end
end

-- Breadth first, so that the reported difference is the shallowest one (as Torch7).
function check.areTablesEq(t1, t2, tolerance, negate)
   local queue, head = {{t1, t2}}, 1
   local seen = {}
   while queue[head] do
      local a, b, location = table.unpack(queue[head])
      head = head + 1
      local function sub(key)
         return location and (location .. '.' .. tostring(key)) or tostring(key)
      end
      if not (seen[a] and seen[a] == b) then
         seen[a] = b
         for key, v1 in pairs(a) do
            local v2 = b[key]
            if v2 == nil then
               return negate, string.format('Entry %s missing in second table (is %s in first)', sub(key), tostring(v1))
            end
            if type(v1) == 'table' and type(v2) == 'table' then
               queue[#queue + 1] = {v1, v2, sub(key)}
            else
               local ok, message = check.areEq(v1, v2, tolerance, false)
               if not ok then
                  return negate, 'At table location ' .. sub(key) .. ': ' .. message
               end
            end
         end
         for key, v2 in pairs(b) do
            if a[key] == nil then
               return negate, string.format('Entry %s missing in first table (is %s in second)', sub(key), tostring(v2))
            end
         end
      end
   end
   if negate then return false, 'NE failed: the tables are equal' end
   return true
end

return Tester
