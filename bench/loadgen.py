"""wrk: running it, reading its output, and the Lua scripts for the two token POSTs.

Refresh tokens rotate (a spent one fails, and reuse revokes its family), so every refresh
request needs a token nobody used.  The refresh script keeps a pool: it starts with the
pre-minted tokens, each request takes the oldest one, and each answer's new ``refresh_token``
goes back in.  With more tokens than connections the pool never runs dry; a failed answer loses
its chain (and counts as a non-2xx), and ``done()`` prints how many requests found the pool
empty (they reuse the last token, fail, and count too).
"""
from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path
from urllib.parse import quote_plus

WRK_ARGS = ["-t1", "-c16", "-d10s", "--latency"]

_HEADERS = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic {basic}"
"""
CLIENT_CREDENTIALS_LUA = _HEADERS + 'wrk.body = "{body}"\n'
REFRESH_LUA = _HEADERS + """local pool = {{ {tokens} }}
local last = pool[1]
local empty = 0

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local token = table.remove(pool, 1)
  if token == nil then
    empty = empty + 1
    token = last
  end
  last = token
  local body = "grant_type=refresh_token{extra}&refresh_token=" .. encode(token)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  local token = string.match(body or "", '"refresh_token"%s*:%s*"([^"]+)"')
  if token then table.insert(pool, token) end
  {diag}
end

function done(summary, latency, requests)
  io.write(string.format("POOL left=%d empty=%d\\n", #pool, empty))
end
"""
DIAG_LUA = """
local seen = 0
function response(status, headers, body)
  if status >= 300 and seen < 3 then
    seen = seen + 1
    io.write("NON2XX " .. status .. " " .. string.sub(body or "", 1, 400) .. "\\n")
  end
end
"""
_DIAG_INLINE = """if status >= 300 and diag_seen < 3 then
    diag_seen = diag_seen + 1
    io.write("NON2XX " .. status .. " " .. string.sub(body or "", 1, 400) .. "\\n")
  end"""


def basic(client: dict) -> str:
    """HTTP Basic value with the id and secret form-urlencoded first (RFC 6749 §2.3.1)."""
    raw = f"{quote_plus(client['client_id'])}:{quote_plus(client['client_secret'])}"
    return base64.b64encode(raw.encode()).decode()


def client_credentials_script(path: Path, client: dict, scope: str,
                              diagnostic: bool = False) -> Path:
    path.write_text(CLIENT_CREDENTIALS_LUA.format(basic=basic(client),
                                                  body=f"grant_type=client_credentials&scope="
                                                       f"{quote_plus(scope)}")
                    + (DIAG_LUA if diagnostic else ""))
    return path


def refresh_script(path: Path, client: dict, tokens: list[str], extra: str = "",
                   diagnostic: bool = False) -> Path:
    """``extra`` is more form fields (``&scope=...``), already encoded."""
    script = REFRESH_LUA.format(
        basic=basic(client), tokens=", ".join(f'"{t}"' for t in tokens), extra=extra,
        diag=_DIAG_INLINE if diagnostic else "")
    if diagnostic:
        script = "local diag_seen = 0\n" + script
    path.write_text(script)
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float | None:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else None


def parse_wrk(out: str) -> dict:
    res = {"rps": None, "p50": None, "p99": None, "requests": None, "non2xx": 0,
           "socket": "none", "pool": None}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        res["rps"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        res["p50"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        res["p99"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        res["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        res["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: (.+)", out):
        res["socket"] = m.group(1).strip()
    if m := re.search(r"POOL left=(\d+) empty=(\d+)", out):
        res["pool"] = (int(m.group(1)), int(m.group(2)))
    return res


def run_wrk(url: str, script: Path | None, args: list[str] | None = None) -> tuple[list[str], str]:
    cmd = ["wrk", *(args or WRK_ARGS)]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return cmd, proc.stdout + proc.stderr
