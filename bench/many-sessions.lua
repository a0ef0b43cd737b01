-- wrk script of bench/http-load.sh for a NAME+N variant (N sessions preloaded): every request carries one of the
-- headers in the file named after "--" (one "Name: value" a line: the variant's GET /credentials), taking them in
-- turn, each thread from its own place, so the load is spread over all of those sessions instead of one.
--   wrk -s bench/many-sessions.lua URL -- credentials.txt
local requests = {}
local at = 1
local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local name, value = line:match("^([^:]+):%s*(.-)%s*$")
    if name then
      requests[#requests + 1] = wrk.format(nil, nil, { [name] = value })
    end
  end
  if #requests == 0 then
    error("no credentials in " .. tostring(args[1]))
  end
  at = ((first or 0) * 4999) % #requests + 1
end

function request()
  local r = requests[at]
  at = at % #requests + 1
  return r
end
