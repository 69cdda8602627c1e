require 'torch'
require 'torch.File'
require 'torch.serialize'

-- Truncated and corrupted files: each must give a clean Lua error that says what was
-- wrong and where, never a crash, a hang or a huge allocation.

local function str(v) return string.pack('<i4', #v) .. v end
local function torchobj(index, class) return string.pack('<i4i4', 4, index) .. str('V 1') .. str(class) end

local function sample()
   local pkg = {}
   torch.class('corruptspec.Thing', pkg)
   local x = torch.DoubleTensor({{1, 2}, {3, 4}})
   return {1.5, 'two', true, x = x, view = x:narrow(1, 2, 1), thing = pkg.Thing(), nested = {a = {b = 'c'}}}
end

local function load_fails(s, format)
   local ok, err = pcall(torch.deserialize, s, format)
   return not ok, err
end

describe('truncated files', function()
   for _, format in ipairs {'binary', 'ascii'} do
      it('fail cleanly at every truncation point (' .. format .. ')', function()
         local s = torch.serialize(sample(), format)
         local loaded = 0
         for n = 0, #s - 1 do
            local failed, err = load_fails(s:sub(1, n), format)
            if failed then
               assert.are.equal('string', type(err))
               assert.truthy(err:find('byte offset %d+') or err:find('truncated'), err)
            else
               loaded = loaded + 1
            end
         end
         -- ascii ends with a newline that a reader does not need
         assert.is_true(loaded <= (format == 'ascii' and 1 or 0))
         assert.is_false((load_fails(s, format)))
      end)
   end

   it('say what was cut and where', function()
      local s = torch.serialize('hello')
      local failed, err = load_fails(s:sub(1, 10))
      assert.is_true(failed)
      assert.truthy(err:find('a string needs 5 chars (5 bytes) at byte offset 8, but only 2 bytes remain', 1, true), err)
   end)

   it('agree with the C walker', function()
      local s = torch.serialize({1, 'x', torch.FloatTensor({1, 2})})
      assert.is_true(torch._file.scan(s))
      for n = 0, #s - 1 do
         local ok, err = torch._file.scan(s:sub(1, n))
         assert.is_nil(ok)
         assert.truthy(err:find('byte offset'), err)
      end
   end)
end)

describe('corrupted files', function()
   it('never crash when any byte is changed', function()
      local s = torch.serialize(sample())
      for i = 1, #s do
         for _, b in ipairs {0, 1, 0x7f, 0x80, 0xff} do
            local c = s:sub(1, i - 1) .. string.char(b) .. s:sub(i + 1)
            local ok, res = pcall(torch.deserialize, c)
            if not ok then assert.are.equal('string', type(res)) end
            torch._file.scan(c)
         end
      end
   end)

   it('refuse a huge string length without allocating it', function()
      local s = string.pack('<i4i4', 2, 0x7fffffff) .. 'abc'
      local failed, err = load_fails(s)
      assert.is_true(failed)
      assert.truthy(err:find('2147483647 chars', 1, true), err)
      assert.truthy(err:find('only 3 bytes remain', 1, true), err)
   end)

   it('refuse a huge storage size without allocating it', function()
      local s = torchobj(1, 'torch.DoubleStorage') .. string.pack('<i8', 1 << 61) .. ('\0'):rep(16)
      local failed, err = load_fails(s)
      assert.is_true(failed)
      assert.truthy(err:find('the data of a storage', 1, true), err)
      assert.truthy(err:find('16 bytes remain', 1, true), err)
   end)

   it('refuse negative sizes and counts', function()
      assert.truthy(select(2, load_fails(string.pack('<i4i4i4', 3, 1, -1))):find('table of %-1 entries'))
      assert.truthy(select(2, load_fails(string.pack('<i4i4', 2, -5))):find('negative count %-5'))
      local s = torchobj(1, 'torch.FloatStorage') .. string.pack('<i8', -2)
      assert.truthy(select(2, load_fails(s)):find('negative count %-2'))
   end)

   it('refuse unknown type tags', function()
      local failed, err = load_fails(string.pack('<i4', 9))
      assert.is_true(failed)
      assert.truthy(err:find('unknown object type 9 at byte offset 0', 1, true), err)
   end)

   it('refuse a nil or NaN table key', function()
      local s = string.pack('<i4i4i4', 3, 1, 1) .. string.pack('<i4', 0) .. string.pack('<i4d', 1, 1)
      assert.truthy(select(2, load_fails(s)):find('table key at byte offset 12 is nil', 1, true))
      s = string.pack('<i4i4i4', 3, 1, 1) .. string.pack('<i4d', 1, 0 / 0) .. string.pack('<i4d', 1, 1)
      assert.truthy(select(2, load_fails(s)):find('table key at byte offset 12 is', 1, true))
   end)

   local function tensorfile(ndim, sizes, strides, offset, storage)
      local s = torchobj(1, 'torch.FloatTensor') .. string.pack('<i4', ndim)
      for _, v in ipairs(sizes) do s = s .. string.pack('<i8', v) end
      for _, v in ipairs(strides) do s = s .. string.pack('<i8', v) end
      return s .. string.pack('<i8', offset) .. storage
   end
   local storage3 = torchobj(2, 'torch.FloatStorage') .. string.pack('<i8fff', 3, 1, 2, 3)

   it('accept a tensor that fits its storage', function()
      local t = torch.deserialize(tensorfile(1, {2}, {2}, 1, storage3))
      assert.are.same({1, 3}, t:totable())
   end)

   it('refuse tensors that do not fit their storage', function()
      local cases = {
         {tensorfile(1, {4}, {1}, 1, storage3), 'need 4 elements, storage has 3'},
         {tensorfile(1, {2}, {1}, 3, storage3), 'need 4 elements, storage has 3'},
         {tensorfile(1, {2}, {3}, 1, storage3), 'need 4 elements, storage has 3'},
         {tensorfile(1, {2}, {1}, 0, storage3), 'offset 0'},
         {tensorfile(1, {-1}, {1}, 1, storage3), 'size %-1'},
         {tensorfile(1, {2}, {-1}, 2, storage3), 'stride %-1'},
         {tensorfile(2, {1 << 40, 1 << 40}, {1 << 40, 1}, 1, storage3), 'overflow'},
         {tensorfile(17, {}, {}, 1, ''), '17 dimensions'},
         {tensorfile(-1, {}, {}, 1, ''), '%-1 dimensions'},
         {tensorfile(1, {2}, {1}, 1, torchobj(2, 'torch.DoubleStorage') .. string.pack('<i8dd', 2, 1, 2)),
          'FloatTensor on a torch.DoubleStorage'},
         {tensorfile(1, {2}, {1}, 1, string.pack('<i4d', 1, 5)), 'is a number'},
         {tensorfile(1, {2}, {1}, 1, string.pack('<i4', 0)), 'storage has 0'},
      }
      for _, case in ipairs(cases) do
         local failed, err = load_fails(case[1])
         assert.is_true(failed, case[2])
         assert.truthy(err:find(case[2]), err .. ' (expected: ' .. case[2] .. ')')
         assert.is_nil((torch._file.scan(case[1])))
      end
   end)

   it('refuse a storage index that points at a table', function()
      -- index 1 is the table itself; the tensor claims it as its storage
      local s = string.pack('<i4i4i4', 3, 1, 1) .. string.pack('<i4d', 1, 1)
         .. tensorfile(1, {1}, {1}, 1, string.pack('<i4i4', 4, 1)):gsub('^' .. string.pack('<i4i4', 4, 1),
                                                                         string.pack('<i4i4', 4, 2))
      local failed, err = load_fails(s)
      assert.is_true(failed)
      assert.truthy(err:find('storage of a torch.FloatTensor'), err)
   end)

   it('refuse class fields that are not a table', function()
      torch.class('corruptspec.Other', {})
      local s = torchobj(1, 'corruptspec.Other') .. string.pack('<i4d', 1, 3)
      local failed, err = load_fails(s)
      assert.is_true(failed)
      assert.truthy(err:find('fields of a corruptspec.Other at byte offset 36 are a number', 1, true), err)
   end)

   it('refuse nesting deeper than the limit', function()
      local depth = 10001
      local parts = {}
      for i = 1, depth do parts[i] = string.pack('<i4i4i4i4d', 3, i, 1, 1, 1) end
      parts[#parts + 1] = string.pack('<i4', 0)
      local failed, err = load_fails(table.concat(parts))
      assert.is_true(failed)
      assert.truthy(err:find('nested more than 10000 deep'), err)
   end)

   it('refuse garbage in ascii numbers', function()
      local failed, err = load_fails('3\n1\nx1\n', 'ascii')
      assert.is_true(failed)
      assert.truthy(err:find("'x1' is not a valid int", 1, true), err)
      failed, err = load_fails('1\n1e999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999\n', 'ascii')
      assert.is_true(failed)
      assert.truthy(err:find('too long'), err)
   end)

   it('load a file in the wrong format with an error, not garbage', function()
      local s = torch.serialize({1, 2, 3}, 'ascii')
      assert.is_true((load_fails(s, 'binary')))
      s = torch.serialize({1, 2, 3})
      assert.is_true((load_fails(s, 'ascii')))
   end)
end)
