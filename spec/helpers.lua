-- Shared helpers for the specs: tensors to plain tables, and error capture.
local H = {}

-- Nested Lua table of a tensor's values.
function H.values(t) return t:totable() end

-- The error message of f(...), or nil when it does not raise.
function H.errmsg(f, ...)
  local ok, err = pcall(f, ...)
  if ok then return nil end
  return tostring(err)
end

-- Asserts f raises an error whose message contains every given plain string.
function H.raises(f, ...)
  local msg = H.errmsg(f)
  assert(msg, 'expected an error')
  for _, s in ipairs({...}) do
    assert(msg:find(s, 1, true), ('error %q does not contain %q'):format(msg, s))
  end
  return msg
end

return H
