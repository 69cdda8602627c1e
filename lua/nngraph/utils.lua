-- nngraph.utils: helpers of the nngraph files: node tests, error messages that point at
-- the user's line, and the descriptions of nodes used in them.
local utils = {}

-- Source files whose frames are skipped when finding the caller (nngraph's own files,
-- the graph package, and torch.class's constructor).
local internal = {}
function utils.internal(level)
   internal[debug.getinfo((level or 1) + 1, 'S').source] = true
end
utils.internal(1)
internal[debug.getinfo(torch.class, 'S').source] = true

function utils.isnode(x)
   return type(x) == 'table' and torch.typename(x) == 'nngraph.Node'
end

function utils.istable(x)
   return type(x) == 'table' and not torch.typename(x)
end

-- The largest positive integer key of a table (0 when none): counts holes too.
function utils.maxn(t)
   local n = 0
   for k in pairs(t) do
      if math.type(k) == 'integer' and k > n then n = k end
   end
   return n
end

-- The stack level (as error() counts it, from the function calling this one's caller)
-- of the first frame outside nngraph: the user's script.
local function userlevel()
   local level = 3
   while true do
      local info = debug.getinfo(level, 'S')
      if not info then return 1 end
      if info.what ~= 'C' and not internal[info.source] then return level - 1 end
      level = level + 1
   end
end

-- raise(fmt, ...): an error at the line of the user's script that called into nngraph.
function utils.raise(fmt, ...)
   error(string.format(fmt, ...), userlevel())
end

-- The place in the user's script that called into nngraph, as Torch7's _debugLabel
-- '[file]:line_function'.
function utils.debugLabel()
   local level = 2
   while true do
      local info = debug.getinfo(level, 'Sln')
      if not info then return '[?]:0_' end
      if info.what ~= 'C' and not internal[info.source] then
         return string.format('[%s]:%d_%s', info.short_src, info.currentline, info.name or '')
      end
      level = level + 1
   end
end

-- 'file:line' of a node's debug label (or '?').
function utils.where(node)
   local label = node.data.annotations and node.data.annotations._debugLabel
   local file, line = tostring(label):match('^%[(.-)%]:(%d+)')
   return file and (file .. ':' .. line) or '?'
end

-- A node for error messages: 'nn.Linear "i2h" (declared at spec.lua:12)'.
function utils.describe(node)
   local data = node.data
   local what
   if data.module then
      what = torch.type(data.module)
   elseif data.selectindex then
      what = 'output ' .. data.selectindex .. ' of a split'
   elseif data.nSplitOutputs then
      what = 'split(' .. data.nSplitOutputs .. ')'
   else
      what = 'a node without module'
   end
   local name = data.annotations and data.annotations.name
   if name then what = what .. ' "' .. tostring(name) .. '"' end
   return what .. ' (declared at ' .. utils.where(node) .. ')'
end

-- Why x is not a node, for 'inputs[2] ...' messages.
function utils.notNode(x)
   if x == nil then return 'is nil (a typo or a bad index?)' end
   if type(x) == 'table' and torch.isTypeOf(x, 'nn.Module') then
      return string.format('is an %s module, not a node: call it to make a node ' ..
                           '(%s()(x), or nn.Identity()() for an input)', torch.type(x), torch.type(x))
   end
   return 'is a ' .. torch.type(x) .. ', not an nngraph.Node'
end

return utils
