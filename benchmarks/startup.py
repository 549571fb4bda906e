"""Start-up and save budgets of DESIGN.md §8.

- cold start: from process launch to the first paint of the main window's frame (the real
  start-up path: translator, the frame, painted before the cache is opened), in a fresh
  interpreter each run. Target ≤ 1.0 s. Also reported: to the first screen filled (database
  open + migrate, tasks runner, the session's screens attached, an offline session) and
  painted. The very first start, which creates and migrates the database, is reported on
  its own.
- floor: a bare PySide6 window (QApplication, an empty QMainWindow, shown, first paint) in
  a fresh interpreter, run alternately with the cold starts above, so both see the same
  machine; the ratio of the medians is the figure of issue #20 (goal ≤ 4).
- save: p95 of registering a ticket (ticket row + events + outbox mutation, one Unit of Work,
  synchronous=FULL) on a cache already holding 100k tickets. Target p95 ≤ 20 ms.

    python benchmarks/startup.py [--runs 5] [--tickets 100000] [--saves 500] [--cold-only]
        [--cache-tickets 0]

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
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import fill_cache, percentile  # noqa: E402

PROBE = """
import sys, time
started = float(sys.argv[1])
from pathlib import Path
from agent_app.gc_pause import cyclic_gc_paused
with cyclic_gc_paused():  # as agent_app.commands.gui does
    from agent_app.preload import import_before_qt
    import_before_qt()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from agent_app.ui.app import after_first_paint, ensure_application
    from agent_app.ui.i18n import install_translator
    from agent_app.ui.main_window import MainWindow

app = ensure_application()
install_translator(app, "zh_CN")
window = MainWindow()  # the frame, as agent_app.ui.app.run_gui shows it first
window.show()
times, cpu = [], []  # wall seconds since launch; the process's CPU seconds, all threads

def fill():  # what agent_app.ui.app.start_session does, with an offline session
    times.append(time.time() - started)  # the frame is painted: the start-up's figure
    cpu.append(time.process_time())
    from agent_app.gc_pause import cyclic_gc_paused
    with cyclic_gc_paused():  # as start_session does
        import agent_app.storage.database  # noqa: F401
        import agent_app.sync.client  # noqa: F401
        import agent_app.tasks  # noqa: F401
    from agent_app.core.enums import Role
    from agent_app.storage.database import DB_FILENAME
    from agent_app.sync.client import CentralClient, SignedIn, UserProfile
    from agent_app.tasks import TaskRunner
    from agent_app.ui.app import open_database_or_ask, when_first_screen_painted

    with cyclic_gc_paused():
        db = open_database_or_ask(Path(sys.argv[2]) / DB_FILENAME, window)
    tasks = TaskRunner(db)
    session = SignedIn("http://127.0.0.1:9", UserProfile("op01", "话务员", Role.OPERATOR, None),
                       None, offline=True)
    tasks.hold_background()
    with cyclic_gc_paused():
        window.attach(tasks, session, CentralClient("http://127.0.0.1:9", timeout=(0.2, 0.2)))
    when_first_screen_painted(window, tasks)
    on_paint(window.intake, lambda: filled(tasks))

def filled(tasks):
    times.append(time.time() - started)  # the first screen painted, filled from the cache
    cpu.append(time.process_time())
    print(" ".join(f"{t:.4f}" for t in times + cpu))
    tasks.shutdown()
    tasks.db.close()  # as the app's way out does: the next start finds a clean close
    app.quit()

def on_paint(widget, then):
    class Watcher(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                widget.removeEventFilter(self)
                QTimer.singleShot(0, then)
            return False
    widget._watcher = Watcher(widget)
    widget.installEventFilter(widget._watcher)

after_first_paint(window, fill)
app.exec()
"""


# The same moment as the app's: the window's first Paint event, then the next turn of the
# event loop (a zero timer set at show() fires before that paint, on offscreen and xcb alike).
BARE = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1100, 700)

def painted():
    print(f"{time.time() - started:.4f} {time.process_time():.4f}")
    app.quit()

class Watcher(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, painted)
        return False

watcher = Watcher()
window.installEventFilter(watcher)
window.show()
app.exec()
"""


def _time_probe(probe: str, data_dir: str) -> list[float]:
    # Compiled modules kept (in a folder of the run's own), as an installed app has them: a
    # shell that forbids writing bytecode would otherwise compile every module each start.
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "PYTHONPYCACHEPREFIX": str(Path(data_dir) / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    out = subprocess.run([sys.executable, "-c", probe, repr(started), data_dir],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
                         check=True)
    return [float(word) for word in out.stdout.strip().splitlines()[-1].split()]


def cold_start(runs: int, cached: int = 0) -> tuple[
        list[float], list[float], list[float], list[float], list[float]]:
    """The app's cold starts (to the frame's first paint, and to the first screen filled
    from the cache) and the bare window's, alternately (the first app start, which creates
    the cache, comes first and is not paired); then the CPU seconds of the app's process to
    the filled screen and of the bare window's, which a busy machine stretches far less than
    the wall clock."""
    painted, filled, floors, filled_cpu, floor_cpu = [], [], [], [], []
    with tempfile.TemporaryDirectory() as data_dir:
        if cached:
            _fill_cache_of(Path(data_dir), cached)
        for run in range(runs):
            if run:
                floor, cpu = _time_probe(BARE, data_dir)
                floors.append(floor)
                floor_cpu.append(cpu)
            first_paint, screen_filled, _cpu_painted, cpu_filled = _time_probe(PROBE, data_dir)
            painted.append(first_paint)
            filled.append(screen_filled)
            filled_cpu.append(cpu_filled)
    return painted, filled, floors, filled_cpu, floor_cpu


def _fill_cache_of(data_dir: Path, tickets: int) -> None:
    from agent_app.storage.database import DB_FILENAME, open_database

    db = open_database(data_dir / DB_FILENAME)
    seconds = fill_cache(db, tickets)
    db.close()
    print(f"the cold starts' cache holds {tickets} tickets (filled in {seconds:.1f} s)")


def save_latencies(tickets: int, saves: int) -> tuple[list[float], float]:
    from agent_app.storage import ops
    from agent_app.storage.database import open_database
    from tests.factories import make_ticket

    base = make_ticket()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "agent.db")
        fill_seconds = fill_cache(db, tickets)
        latencies = []
        for n in range(saves):
            ticket = replace(base, id=f"NEW-{n:05d}",
                             events=[replace(base.events[0], id=str(uuid.uuid4()))])
            began = time.perf_counter()
            ops.register_ticket(db, ticket)
            latencies.append((time.perf_counter() - began) * 1000)
        db.close()
    return latencies, fill_seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--cold-only", action="store_true",
                        help="only the cold starts and their floor (no save latencies)")
    parser.add_argument("--cache-tickets", type=int, default=0,
                        help="tickets in the cache the cold starts open (default: empty)")
    args = parser.parse_args()

    (first, *starts), (first_filled, *filled), floors, (_, *filled_cpu), floor_cpu = \
        cold_start(args.runs + 1, args.cache_tickets)
    ratio = statistics.median(starts) / statistics.median(floors)
    cpu_ratio = statistics.median(filled_cpu) / statistics.median(floor_cpu)
    print(f"first start (creates and migrates the cache): painted {first:.3f} s, "
          f"filled {first_filled:.3f} s")
    print(f"cold start to first paint: median {statistics.median(starts):.3f} s, "
          f"max {max(starts):.3f} s over {len(starts)} runs (target ≤ 1.0 s)")
    print(f"cold start to the first screen filled from the cache: median "
          f"{statistics.median(filled):.3f} s, max {max(filled):.3f} s")
    print(f"bare PySide6 window, same run: median {statistics.median(floors):.3f} s; "
          f"ratio {ratio:.2f} (goal ≤ 4)")
    print(f"CPU of the process to the filled screen: median {statistics.median(filled_cpu):.3f}"
          f" s; the bare window's {statistics.median(floor_cpu):.3f} s; ratio {cpu_ratio:.2f}")
    if args.cold_only:
        print(json.dumps({"cold_start_median_s": round(statistics.median(starts), 3),
                          "filled_median_s": round(statistics.median(filled), 3),
                          "bare_window_median_s": round(statistics.median(floors), 3),
                          "ratio_to_bare_window": round(ratio, 2),
                          "filled_cpu_median_s": round(statistics.median(filled_cpu), 3),
                          "bare_window_cpu_median_s": round(statistics.median(floor_cpu), 3),
                          "filled_cpu_ratio_to_bare_window": round(cpu_ratio, 2)}))
        return
    latencies, fill = save_latencies(args.tickets, args.saves)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"filled {args.tickets} tickets in {fill:.1f} s")
    print(f"save ticket+outbox: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(latencies):.2f} ms "
          f"over {len(latencies)} saves with {args.tickets} tickets cached (target p95 ≤ 20 ms)")
    print(json.dumps({
        "first_start_s": round(first, 3),
        "first_start_filled_s": round(first_filled, 3),
        "cold_start_median_s": round(statistics.median(starts), 3),
        "filled_median_s": round(statistics.median(filled), 3),
        "cold_start_max_s": round(max(starts), 3),
        "bare_window_median_s": round(statistics.median(floors), 3),
        "ratio_to_bare_window": round(ratio, 2),
        "filled_cpu_ratio_to_bare_window": round(cpu_ratio, 2),
        "save_p50_ms": round(p50, 2),
        "save_p95_ms": round(p95, 2),
        "save_max_ms": round(max(latencies), 2),
        "tickets_cached": args.tickets,
    }))


if __name__ == "__main__":
    main()
