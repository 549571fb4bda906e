"""A signed-in client's pull while unauthenticated threads flood the login (issue 15, item 4).

`agent-api serve` in a process of its own on a SQLite file, sign-in lockouts set out of reach
so every flooding login is really hashed. The baseline is the same pull on the same server
with no flood, measured in the same run; the figure is the median of several pulls. The
issue's bound is 1 s (the original code: 0.009 s → 12.3 s, past the client's timeout).

    python benchmarks/login_flood.py [--threads 150] [--pulls 15]

Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app.sync.client import CentralClient  # noqa: E402
from tests.clients import signed_in  # noqa: E402

BOUND_S = 1.0


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "central_api.cli", "serve", "--db",
         f"sqlite:///{folder / 'central.db'}", "--port", str(port), "--demo-users",
         "--lockout-after", "1000000000", "1000000000"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


def pull_latencies(client: CentralClient, pulls: int) -> list[float]:
    latencies = []
    for _ in range(pulls):
        started = time.perf_counter()
        client.pull(0, limit=100, epoch=None)
        latencies.append(time.perf_counter() - started)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=150)
    parser.add_argument("--pulls", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = serve(Path(tmp))
        try:
            client = signed_in(url, "lead01")  # before the flood, as a seat already working
            baseline = statistics.median(pull_latencies(client, args.pulls))
            stop = threading.Event()
            answered = [0]

            def guess() -> None:
                with requests.Session() as http:
                    while not stop.is_set():
                        with contextlib.suppress(requests.RequestException):
                            http.post(f"{url}/api/v1/auth/login", timeout=(5, 120),
                                      json={"username": "op01", "password": "guess"})
                        answered[0] += 1

            threads = [threading.Thread(target=guess, daemon=True)
                       for _ in range(args.threads)]
            for thread in threads:
                thread.start()
            while answered[0] < args.threads:
                time.sleep(0.05)
            flooded_all = pull_latencies(client, args.pulls)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
        finally:
            process.terminate()
            process.wait(timeout=30)
    flooded = statistics.median(flooded_all)
    print(f"pull, no flood (baseline, same run): median {baseline:.3f} s")
    print(f"pull under a {args.threads}-thread login flood: median {flooded:.3f} s, "
          f"max {max(flooded_all):.3f} s (bound {BOUND_S} s); ratio {flooded / baseline:.1f}x")
    print(json.dumps({"threads": args.threads, "baseline_pull_s": round(baseline, 4),
                      "flooded_pull_median_s": round(flooded, 4),
                      "flooded_pull_max_s": round(max(flooded_all), 4),
                      "ratio": round(flooded / baseline, 1), "bound_s": BOUND_S}))


if __name__ == "__main__":
    main()
