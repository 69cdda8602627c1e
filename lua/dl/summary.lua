-- dl.summary(model, inputSizes...): a table of the model's layers, the output shape of
-- each (for one sample of the given input size) and its parameter count.
local dl = require 'dl'

local function count_params(m)
  local n = 0
  local ws = m:parameters()
  for _, w in ipairs(ws or {}) do n = n + w:nElement() end
  return n
end

local function shape(t)
  if torch.isTensor(t) then
    local s = t:size():totable()
    s[1] = 'N'
    for i = 1, #s do s[i] = tostring(s[i]) end
    return '(' .. table.concat(s, ', ') .. ')'
  end
  local parts = {}
  for _, v in ipairs(t) do parts[#parts + 1] = shape(v) end
  return '{' .. table.concat(parts, ', ') .. '}'
end

function dl.summary(model, ...)
  local input = torch.Tensor(1, ...):zero()
  local rows = {}
  local was_training = model.train
  model:evaluate()
  local layers = model.modules or {model}
  local x = input
  for i, m in ipairs(layers) do
    x = m:forward(x)
    rows[#rows + 1] = {('%d %s'):format(i, torch.typename(m)), shape(x), count_params(m)}
  end
  if was_training ~= false then model:training() end
  local total = count_params(model)
  local w1, w2 = #'Layer (type)', #'Output Shape'
  for _, r in ipairs(rows) do w1 = math.max(w1, #r[1]); w2 = math.max(w2, #r[2]) end
  local line = ('%-' .. w1 .. 's  %-' .. w2 .. 's  %s')
  local out = {}
  local rule = ('-'):rep(w1 + w2 + 14)
  out[#out + 1] = rule
  out[#out + 1] = line:format('Layer (type)', 'Output Shape', 'Param #')
  out[#out + 1] = ('='):rep(w1 + w2 + 14)
  for _, r in ipairs(rows) do out[#out + 1] = line:format(r[1], r[2], tostring(r[3])) end
  out[#out + 1] = ('='):rep(w1 + w2 + 14)
  out[#out + 1] = ('Total params: %d'):format(total)
  out[#out + 1] = rule
  return table.concat(out, '\n')
end

return dl
