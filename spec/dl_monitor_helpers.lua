-- What the specs of dl's monitors share (dl_profile, dl_tensorboard, dl_report,
-- dl_plot, repl_help): files, folders and shell commands.
local M = {}

-- The whole content of a file.
function M.readfile(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('a')
  f:close()
  return s
end

-- A new temporary file holding text; returns its name.
function M.writefile(text)
  local name = os.tmpname()
  local f = assert(io.open(name, 'wb'))
  f:write(text)
  f:close()
  return name
end

-- The standard output of a shell command (its errors dropped unless it redirects them).
function M.sh(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read('a')
  p:close()
  return out
end

-- A new temporary folder.
function M.tmpdir() return (M.sh('mktemp -d'):gsub('%s+$', '')) end

-- Removes a folder made by tmpdir.
function M.rmdir(dir) os.execute(("rm -rf '%s'"):format(dir:gsub("'", "'\\''"))) end

return M
