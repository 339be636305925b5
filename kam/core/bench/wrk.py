"""Driving `wrk` (Debian's package): a bounded run against 127.0.0.1, figures read back as JSON."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

#: wrk's Lua hooks: count non-200 answers per thread, and print the summary as one JSON line.
LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"non200":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    bad, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str | None:
    path = wrk_path()
    if not path:
        return None
    out = subprocess.run([path, "-v"], capture_output=True, text=True, timeout=10)
    return (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else None


def run_wrk(url: str, *, headers: dict[str, str], duration: int, connections: int, threads: int) -> dict:
    """One bounded wrk run (`-d duration`, hard timeout on top); returns the parsed figures.

    Only 127.0.0.1 is accepted: the bench loads the server it started itself, nothing else.
    """
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the bench only loads http://127.0.0.1")
    path = wrk_path()
    if path is None:
        raise FileNotFoundError("wrk")
    with tempfile.TemporaryDirectory(prefix="kam-bench-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(LUA)
        command = [
            path,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(url)
        out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures (exit {out.returncode}): {out.stderr.strip() or out.stdout}")
    raw = json.loads(line[len("WRK_JSON ") :])
    seconds = raw["duration_us"] / 1e6
    errors = {
        key: raw[key]
        for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors", "non200")
        if raw[key]
    }
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
        # non-2xx/3xx (status_errors) are a subset of non-200; socket errors are counted apart.
        "errors": raw["connect_errors"]
        + raw["read_errors"]
        + raw["write_errors"]
        + raw["timeouts"]
        + raw["non200"],
        "error_detail": errors,
        "duration_s": round(seconds, 2),
        "bytes_per_request": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
    }
