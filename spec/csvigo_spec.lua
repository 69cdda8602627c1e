-- csvigo: load in the tidy and raw modes (quoting, headers, CRLF), save and load back,
-- and the errors; torch.Tensor of the numeric strings it gives.
require 'torch'
local csvigo = require 'csvigo'

local function tmpfile(text)
  local p = os.tmpname()
  local f = assert(io.open(p, 'wb')); f:write(text); f:close()
  return p
end

describe('csvigo.load', function()
  it('tidy: columns by header name, fields as strings, quotes stripped', function()
    local p = tmpfile('"num","brand",female,age\n"1","1",0,24\n"2","3",1,"26"\n')
    local t = csvigo.load(p)
    os.remove(p)
    assert.are.same({'1', '2'}, t.num)
    assert.are.same({'1', '3'}, t.brand)
    assert.are.same({'0', '1'}, t.female)
    assert.are.same({'24', '26'}, t.age)
    assert.are.same({24, 26}, torch.Tensor(t.age):totable())
  end)
  it('quoted separators, newlines and doubled quotes; CRLF; raw mode; no header', function()
    local p = tmpfile('a;"b;c";"say ""hi"""\r\n1;"two\nlines";3\r\n')
    local rows = csvigo.load{path = p, separator = ';', mode = 'raw'}
    assert.are.same({{'a', 'b;c', 'say "hi"'}, {'1', 'two\nlines', '3'}}, rows)
    os.remove(p)
    local q = tmpfile('1,2\n3,4\n')
    local t = csvigo.load{path = q, verbose = false}
    os.remove(q)
    assert.are.same({'1', '3'}, t['1'])
    assert.are.same({'2', '4'}, t['2'])
  end)
  it('errors name the call, the file and the record', function()
    local ok, err = pcall(csvigo.load, '/nonexistent/x.csv')
    assert.is_false(ok)
    assert.matches('csvigo.load: cannot open /nonexistent/x.csv', err, 1, true)
    local p = tmpfile('a,b\n1,2\n3\n')
    ok, err = pcall(csvigo.load, p)
    assert.is_false(ok)
    assert.matches('record 3 has 1 fields, the header has 2', err, 1, true)
    ok, err = pcall(csvigo.load, {path = p, mode = 'query'})
    assert.is_false(ok)
    assert.matches("mode must be 'tidy' or 'raw'", err, 1, true)
    os.remove(p)
    p = tmpfile('a,"b\n')
    ok, err = pcall(csvigo.load, p)
    assert.is_false(ok)
    assert.matches('is not closed', err, 1, true)
    os.remove(p)
  end)
end)

describe('csvigo.save', function()
  it('writes tidy columns in column_order and raw records, quoting where needed, and loads back', function()
    local p = os.tmpname()
    csvigo.save{path = p, data = {x = {'1', '2'}, y = {'a,b', 'q"q'}}, column_order = {'y', 'x'}}
    local f = assert(io.open(p, 'rb')); local text = f:read('a'); f:close()
    assert.are.equal('y,x\n"a,b",1\n"q""q",2\n', text)
    local t = csvigo.load{path = p, verbose = false}
    assert.are.same({'a,b', 'q"q'}, t.y)
    csvigo.save{path = p, data = {{'h1', 'h2'}, {1, 2.5}}}
    assert.are.same({{'h1', 'h2'}, {'1', '2.5'}}, csvigo.load{path = p, mode = 'raw'})
    os.remove(p)
    local ok, err = pcall(csvigo.save, {path = p, data = {x = {'1', '2'}, y = {'1'}}})
    assert.is_false(ok)
    assert.matches("column 'y' has 1 values, the first has 2", err, 1, true)
  end)
end)
