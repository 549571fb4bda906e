"""Start-up of the installed (frozen) client: from launching the bundle's `agent-app` to its
first window ready on screen, a fresh process each run. Target ≤ 1.5 s.

- sign-in window: what an operator sees first on an installed PC; the database is opened (and
  migrated when needed) before it shows. The very first run creates the database and is
  reported on its own.
- demo main window: `agent-app --demo`, with the embedded central API started first.

The bundle prints a line when its window has been grabbed (`--screenshot`, `--quit-after-ms 0`,
both hidden options); the time is taken when that line arrives. The OS file cache is warm after
the first run, as it is for an operator starting the app a second time.

    bash scripts/build-installer       # first, to make dist/hotline-agent
    python benchmarks/frozen_startup.py [--bundle dist/hotline-agent] [--runs 5]

Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_to_window(executable: Path, data_dir: Path, *options: str) -> float:
    shot = data_dir / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(executable), "--data-dir", str(data_dir), *options, "--screenshot", str(shot),
         "--quit-after-ms", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    elapsed = None
    for line in process.stdout:
        if line.startswith("screenshot saved"):
            elapsed = time.perf_counter() - started
            break
    process.stdout.close()
    process.wait(timeout=120)
    if elapsed is None:
        raise SystemExit(f"{executable} showed no window (exit status {process.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "hotline-agent")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    executable = args.bundle / ("agent-app.exe" if sys.platform == "win32" else "agent-app")
    if not executable.exists():
        raise SystemExit(f"no bundle at {args.bundle}: run bash scripts/build-installer first")

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        server = ("--server", "http://127.0.0.1:9")
        first = time_to_window(executable, data_dir, *server)
        sign_in = [time_to_window(executable, data_dir, *server) for _ in range(args.runs)]
        demo_dir = Path(tmp) / "demo"
        time_to_window(executable, demo_dir, "--demo")  # creates both databases
        demo = [time_to_window(executable, demo_dir, "--demo") for _ in range(args.runs)]

    print(f"first start (creates and migrates the cache): {first:.3f} s")
    print(f"frozen cold start to the sign-in window: median {statistics.median(sign_in):.3f} s, "
          f"max {max(sign_in):.3f} s over {len(sign_in)} runs (target ≤ 1.5 s)")
    print(f"frozen --demo start to the main window: median {statistics.median(demo):.3f} s, "
          f"max {max(demo):.3f} s over {len(demo)} runs")
    print(json.dumps({
        "first_start_s": round(first, 3),
        "frozen_cold_start_median_s": round(statistics.median(sign_in), 3),
        "frozen_cold_start_max_s": round(max(sign_in), 3),
        "frozen_demo_start_median_s": round(statistics.median(demo), 3),
        "frozen_demo_start_max_s": round(max(demo), 3),
        "runs": args.runs,
    }))


if __name__ == "__main__":
    main()
