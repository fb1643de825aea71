"""Running one node client script (tests/interop/node/*.mjs) through a flow.

The script prints ``{"authorization_url": ...}``; the test signs in and writes the callback URL
to the script's stdin; the script prints ``{"result": ...}`` or ``{"error": ...}`` (see
node/flow_io.mjs).  Every wait is bounded, and the script's stderr is shown on failure.
"""
from __future__ import annotations

import json
import queue
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Callable

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
STEP_TIMEOUT = 60.0


def _lines(stream, sink: queue.Queue) -> None:
    for line in stream:
        sink.put(line)
    sink.put(None)  # end of output


def run_node_flow(node: str, script: str, settings: dict, env: dict[str, str],
                  answer: Callable[[str], str]) -> dict:
    """Run ``script``; ``answer(authorization_url)`` returns the callback URL.

    :return: the script's result object.  :raise pytest.fail.Exception: on an error line, a
        non-zero exit or a step taking longer than :data:`STEP_TIMEOUT`.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen([node, script, json.dumps(settings)], cwd=NODE_DIR, env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                   text=True, encoding="utf-8")
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
        reader.start()

        def message(step: str) -> dict:
            try:
                line = lines.get(timeout=STEP_TIMEOUT)
            except queue.Empty:
                line = None
                problem = f"no answer within {STEP_TIMEOUT:.0f} s"
            else:
                problem = "it exited without an answer"
            if line is not None:
                data = json.loads(line)
                if "error" not in data:
                    return data
                problem = f"it failed ({data.get('code')}): {data['error']}"
            process.kill()
            process.wait(timeout=10)
            stderr.seek(0)
            pytest.fail(f"{script} at {step}: {problem}\nstderr:\n{stderr.read()[-4000:]}")

        try:
            url = message("the authorization URL")["authorization_url"]
            process.stdin.write(answer(url) + "\n")
            process.stdin.flush()
            process.stdin.close()
            result = message("the token requests")["result"]
            process.wait(timeout=STEP_TIMEOUT)
            return result
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            reader.join(timeout=10)
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:  # stdin of a script that already exited
                    pass
