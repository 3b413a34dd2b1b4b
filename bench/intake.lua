-- wrk scenario for bench/intake.py (the same as bench/locustfile.py, from a load generator written in C):
-- enterprise users creating demands through POST /api/v1/demands/, each connection a closed-loop user.
--
-- Every request has a unique title (bench-<run>-<thread>-<n>) so that the database check afterwards can
-- find each one. Every BENCH_RETRY_EVERY-th create carries an Idempotency-Key and, once its answer is in,
-- is sent a second time with the same key (a client retrying): the second answer must replay the first
-- (same id, header Idempotent-Replayed) and create nothing. The answers are told apart by the title and id
-- in their body. Each thread writes its answers to $BENCH_INTAKE_OUT.<thread>, a JSON array per line (see
-- `response`); times are whole seconds.

local run = os.getenv("BENCH_RUN") or "x"
local token = os.getenv("BENCH_TOKEN") or ""
local category = os.getenv("BENCH_CATEGORY") or "1"
local retry_every = tonumber(os.getenv("BENCH_RETRY_EVERY") or "10")
local out = os.getenv("BENCH_INTAKE_OUT")

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local again = {}      -- retries to send: {key, body}
local first_id = {}   -- title -> id of its first answer
local log = nil       -- this thread's lines: $BENCH_INTAKE_OUT.<thread>

local function json(value)
  local kind = type(value)
  if kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "nil" then
    return "null"
  end
  return tostring(value)
end

local function write(...)
  if not log then
    log = io.open(out .. "." .. tid, "w")
    log:setvbuf("line")
  end
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = json((select(i, ...))) end
  log:write("[" .. table.concat(parts, ",") .. "]\n")
end

local function post(body, key)
  local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
  if key then headers["Idempotency-Key"] = key end
  return wrk.format("POST", "/api/v1/demands/", headers, body)
end

function request()
  local retry = table.remove(again, 1)
  if retry then
    return post(retry[2], retry[1])
  end
  counter = counter + 1
  local title = "bench-" .. run .. "-" .. tid .. "-" .. counter
  local body = '{"category": ' .. category .. ', "title": "' .. title ..
               '", "description": "基准测试:企业通过接口提交的诉求。"}'
  local key = nil
  if retry_every > 0 and counter % retry_every == 0 then
    key = run .. "-" .. tid .. "-" .. counter
    again["pending:" .. title] = {key, body}
  end
  return post(body, key)
end

-- One line per answer: ["created", title, id, second] for a create answered 201 (first sending),
-- ["replay", key, first id, replayed id, status, header] for a retry, ["failure", status, body].
function response(status, headers, body)
  local title = body:match('"title":%s*"([^"]*)"')
  local id = tonumber(body:match('"id":%s*(%d+)') or "")
  local replayed = headers["Idempotent-Replayed"] or headers["idempotent-replayed"]
  if status ~= 201 or not title then
    write("failure", status, body:sub(1, 200))
  elseif replayed then
    write("replay", run .. "-" .. title:match("%-(%d+%-%d+)$"), first_id[title], id, status, replayed)
    first_id[title] = nil
  else
    write("created", title, id, os.time())
    local retry = again["pending:" .. title]
    if retry then
      again["pending:" .. title] = nil
      first_id[title] = id
      table.insert(again, retry)
    end
  end
end
