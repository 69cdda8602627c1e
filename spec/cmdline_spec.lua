require 'torch'

-- A CmdLine whose errors raise instead of exiting, so that messages can be checked.
local function cmdline()
   local cmd = torch.CmdLine()
   cmd.error = function(_, msg) error('CMDLINE: ' .. msg, 0) end
   cmd:text('Train a model')
   cmd:text()
   cmd:text('Options:')
   cmd:option('-lr', 0.1, 'learning rate')
   cmd:option('-epochs', 10, 'number of epochs')
   cmd:option('-name', 'run', 'experiment name')
   cmd:option('-cuda', false, 'use the GPU')
   cmd:option('-shuffle', true, 'shuffle the data')
   return cmd
end

local function parse_error(cmd, args)
   local ok, err = pcall(cmd.parse, cmd, args)
   assert(not ok, 'expected a parse error')
   return err
end

-- Runs a Lua script in a new lua5.4 process (with this process's module paths);
-- returns its stdout, its stderr and its exit status.
local function run_script(body, args)
   local script, out, errf = os.tmpname(), os.tmpname(), os.tmpname()
   local f = assert(io.open(script, 'w'))
   f:write(string.format('package.path = %q\npackage.cpath = %q\n', package.path, package.cpath))
   f:write(body)
   f:close()
   local ok, how, code = os.execute(string.format('lua5.4 %s %s >%s 2>%s', script, args, out, errf))
   local function slurp(p)
      local h = io.open(p); local s = h:read('a'); h:close(); os.remove(p); return s
   end
   os.remove(script)
   return slurp(out), slurp(errf), how == 'exit' and code or -1, ok
end

describe('torch.CmdLine:parse', function()
   it('returns the defaults keyed by name without the dash', function()
      local opt = cmdline():parse({})
      assert.are.same({lr = 0.1, epochs = 10, name = 'run', cuda = false, shuffle = true}, opt)
   end)

   it('parses numbers as numbers and strings as strings', function()
      local opt = cmdline():parse({'-lr', '0.5', '-epochs', '200', '-name', 'big'})
      assert.are.equal(0.5, opt.lr)
      assert.are.equal(200, opt.epochs)
      assert.are.equal('integer', math.type(opt.epochs))
      assert.are.equal('big', opt.name)
      opt = cmdline():parse({'-lr', '-1e-3'})
      assert.are.equal(-1e-3, opt.lr)
   end)

   it('toggles booleans given alone and takes an explicit true or false', function()
      local opt = cmdline():parse({'-cuda', '-shuffle'})
      assert.is_true(opt.cuda)
      assert.is_false(opt.shuffle)
      opt = cmdline():parse({'-cuda', 'false', '-shuffle', 'true'})
      assert.is_false(opt.cuda)
      assert.is_true(opt.shuffle)
      opt = cmdline():parse({'-cuda', 'true'})
      assert.is_true(opt.cuda)
   end)

   it('accepts --name value and --name=value for an option declared as -name', function()
      local opt = cmdline():parse({'--epochs', '200', '--lr=0.01', '-name=x=y', '--cuda'})
      assert.are.equal(200, opt.epochs)
      assert.are.equal(0.01, opt.lr)
      assert.are.equal('x=y', opt.name)
      assert.is_true(opt.cuda)
      opt = cmdline():parse({'--shuffle=false'})
      assert.is_false(opt.shuffle)
   end)

   it('accepts -name for an option declared as --name', function()
      local cmd = torch.CmdLine()
      cmd:option('--batch', 32, 'batch size')
      assert.are.equal(32, cmd:parse({}).batch)
      assert.are.equal(64, cmd:parse({'-batch', '64'}).batch)
      assert.are.equal(16, cmd:parse({'--batch', '16'}).batch)
   end)

   it('reads positional arguments in order, with number types converted', function()
      local cmd = cmdline()
      cmd:argument('-data', 'data file')
      cmd:argument('-count', 'how many', 'number')
      local opt = cmd:parse({'train.csv', '-lr', '1', '12'})
      assert.are.equal('train.csv', opt.data)
      assert.are.equal(12, opt.count)
      assert.are.equal(1, opt.lr)
      opt = cmd:parse({'a', '-5'}) -- a negative number is an argument, not an option
      assert.are.equal(-5, opt.count)
   end)

   it('reports unknown options, missing values and bad numbers', function()
      local cmd = cmdline()
      assert.truthy(parse_error(cmd, {'-nope'}):find('unknown option -nope', 1, true))
      assert.truthy(parse_error(cmd, {'--nope', '1'}):find('unknown option --nope', 1, true))
      assert.truthy(parse_error(cmd, {'-lr'}):find('missing argument for option -lr', 1, true))
      assert.truthy(parse_error(cmd, {'-lr', 'fast'}):find(
         'invalid type for option -lr (should be number): fast', 1, true))
      assert.truthy(parse_error(cmd, {'--cuda=maybe'}):find(
         'invalid value for option -cuda: maybe (should be true or false)', 1, true))
      assert.truthy(parse_error(cmd, {'extra'}):find('invalid argument: extra', 1, true))
   end)

   it('reports missing and mistyped arguments', function()
      local cmd = cmdline()
      cmd:argument('-data', 'data file')
      cmd:argument('-n', 'count', 'number')
      assert.truthy(parse_error(cmd, {'x'}):find('not enough arguments: expected 2, got 1', 1, true))
      assert.truthy(parse_error(cmd, {'x', 'y'}):find(
         'invalid argument type for argument -n (should be number): y', 1, true))
   end)

   it('rejects bad declarations', function()
      local cmd = torch.CmdLine()
      local ok, err = pcall(cmd.option, cmd, '-x', nil, 'h')
      assert.is_false(ok)
      assert.truthy(err:find('option -x has no default value', 1, true))
      ok, err = pcall(cmd.option, cmd, '-x', 1, 'h', 'string')
      assert.is_false(ok)
      assert.truthy(err:find('option -x has wrong default type value', 1, true))
      ok, err = pcall(cmd.option, cmd, '-x', {}, 'h')
      assert.is_false(ok)
      assert.truthy(err:find('type must be number, string or boolean', 1, true))
      ok, err = pcall(cmd.option, cmd, 'x', 1, 'h')
      assert.is_false(ok)
      assert.truthy(err:find('expected a name starting with "-"', 1, true))
   end)

   it('default() gives the defaults', function()
      assert.are.same({lr = 0.1, epochs = 10, name = 'run', cuda = false, shuffle = true},
                      cmdline():default())
   end)
end)

describe('torch.CmdLine:help', function()
   it('writes usage, text lines and aligned options with defaults', function()
      local cmd = cmdline()
      cmd:argument('-data', 'data file')
      local path = os.tmpname()
      local f = io.open(path, 'w')
      cmd:help({[0] = 'train.lua'}, f)
      f:close()
      local text = io.open(path):read('a')
      os.remove(path)
      assert.are.equal(table.concat({
         'Usage: train.lua [options] <data>',
         'Train a model',
         '',
         'Options:',
         '  -lr      learning rate [0.1]',
         '  -epochs  number of epochs [10]',
         '  -name    experiment name [run]',
         '  -cuda    use the GPU [false]',
         '  -shuffle shuffle the data [true]',
         '  <data>   data file',
         ''}, '\n'), text)
   end)
end)

describe('torch.CmdLine in a script', function()
   local body = [[
require 'torch'
local cmd = torch.CmdLine()
cmd:text('Demo')
cmd:option('-lr', 0.1, 'learning rate')
cmd:option('-cuda', false, 'use the GPU')
local opt = cmd:parse(arg)
print('lr=' .. opt.lr .. ' cuda=' .. tostring(opt.cuda))
]]

   it('parses the script arguments', function()
      local out, err, code = run_script(body, '--lr 0.5 -cuda')
      assert.are.equal('lr=0.5 cuda=true\n', out)
      assert.are.equal('', err)
      assert.are.equal(0, code)
   end)

   it('-h and --help print the help and exit with status 0', function()
      for _, flag in ipairs {'-h', '--help', '-help'} do
         local out, _, code = run_script(body, flag)
         assert.are.equal(0, code)
         assert.truthy(out:find('Usage: .* %[options%]'))
         assert.truthy(out:find('  -lr   learning rate [0.1]', 1, true))
         assert.falsy(out:find('lr=', 1, true))
      end
   end)

   it('an unknown option prints the message and the help on stderr and exits with 1', function()
      local out, err, code = run_script(body, '-bogus 3')
      assert.are.equal(1, code)
      assert.are.equal('', out)
      assert.truthy(err:find('unknown option -bogus', 1, true))
      assert.truthy(err:find('  -cuda use the GPU [false]', 1, true))
   end)

   it('a missing value exits with 1', function()
      local _, err, code = run_script(body, '-lr')
      assert.are.equal(1, code)
      assert.truthy(err:find('missing argument for option -lr', 1, true))
   end)
end)

describe('torch.CmdLine:string', function()
   it('names a run by its arguments and the options that differ from the defaults', function()
      local cmd = cmdline()
      cmd:argument('-data', 'data file')
      local opt = cmd:parse({'mnist', '-lr', '0.5', '-cuda', '-epochs', '10'})
      assert.are.equal('exp,data=mnist,cuda=t,lr=0.5', cmd:string('exp', opt, {}))
      assert.are.equal('exp,data=mnist,lr=0.5', cmd:string('exp', opt, {cuda = true}))
      assert.are.equal('exp,data=mnist,cuda=t,epochs=10,lr=0.5', cmd:string('exp', opt, {epochs = false}))
      assert.are.equal('exp', cmdline():string('exp', cmdline():parse({}), {}))
   end)
end)

describe('torch.CmdLine:log', function()
   it('copies print() to a file after the parameters', function()
      local cmd = cmdline()
      cmd:silent()
      local path = os.tmpname()
      local oprint = print
      cmd:log(path, {lr = 0.5})
      print('hello', 42)
      print = oprint
      local text = io.open(path):read('a')
      os.remove(path)
      assert.truthy(text:find('[program started on ', 1, true))
      assert.truthy(text:find('lr 0.5\n', 1, true))
      assert.truthy(text:find('hello 42\n', 1, true))
   end)
end)
