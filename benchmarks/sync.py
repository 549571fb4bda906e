"""Sync budgets of DESIGN.md §8, on loopback against the embedded central API (SQLite file).

- push: 1,000 tickets queued offline, pushed in one `sync_once`. Target ≤ 5 s.
- pull: N changes (default 100k) into an empty client. Target ≤ 30 s for 100k.
- GUI stall: the pull runs on the tasks runner's sync thread while a 10 ms QTimer ticks on
  the GUI thread; the longest gap between ticks is the worst stall. Target ≤ 50 ms.

    python benchmarks/sync.py [--push 1000] [--pull 100000]

Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def signed_in(url: str, username: str):  # type: ignore[no-untyped-def]
    from agent_app.sync.client import CentralClient

    client = CentralClient(url, timeout=(5, 120))
    client.token = client.login(username, "demo").token
    return client


def synthetic_tickets(count: int, prefix: str) -> list[dict]:
    from agent_app.storage.repositories import ticket_payload
    from tests.factories import make_ticket

    base = make_ticket()
    return [ticket_payload(replace(
        base, id=f"{prefix}-{n:07d}", caller=replace(base.caller, phone=f"139{n:08d}"),
        created_at=base.created_at - timedelta(minutes=n),
        events=[replace(base.events[0], id=str(uuid.uuid4()))]))
        for n in range(count)]


def bench_push(folder: Path, url: str, count: int) -> float:
    from agent_app.core.interchange import ticket_from_dict
    from agent_app.storage import ops
    from agent_app.storage.database import open_database
    from agent_app.sync.engine import SyncEngine, SyncReport

    db = open_database(folder / "push.db")
    for record in synthetic_tickets(count, "PUSH"):
        ops.register_ticket(db, ticket_from_dict(record))
    engine = SyncEngine(db, signed_in(url, "op01"))
    report = SyncReport()
    started = time.perf_counter()
    engine.push(report, lambda _progress: None)
    elapsed = time.perf_counter() - started
    assert report.pushed == count, report
    db.close()
    return elapsed


def bench_pull_with_gui(folder: Path, url: str, expected: int, page_size: int
                        ) -> tuple[float, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from agent_app.storage.database import open_database
    from agent_app.sync.engine import SyncEngine
    from agent_app.tasks import TaskRunner
    from agent_app.ui.app import freeze_startup_objects

    app = QApplication.instance() or QApplication([])
    db = open_database(folder / "pull.db")
    tasks = TaskRunner(db)
    engine = SyncEngine(db, signed_in(url, "op02"), page_size=page_size)
    freeze_startup_objects()  # as the app does once its window is up
    clock = QElapsedTimer()
    longest = 0.0
    last = 0.0
    result: dict[str, object] = {}

    def tick() -> None:
        nonlocal longest, last
        now = clock.nsecsElapsed() / 1e6
        longest = max(longest, now - last)
        last = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)

    def done(report: object) -> None:
        result["report"] = report
        result["seconds"] = time.perf_counter() - started
        app.quit()

    def failed(exc: BaseException) -> None:
        result["error"] = exc
        app.quit()

    clock.start()
    timer.start()
    started = time.perf_counter()
    tasks.run_sync(lambda _db: engine.sync_once(), on_done=done, on_error=failed)
    app.exec()
    timer.stop()
    tasks.shutdown()
    db.close()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    assert result["report"].pulled >= expected, result  # type: ignore[attr-defined]
    return float(result["seconds"]), longest  # type: ignore[arg-type]


SERVE = """
import sys
import uvicorn
from benchmarks.sync import synthetic_tickets
from central_api.app import create_app
app = create_app(sys.argv[1], seed_demo_users=True,
                 demo_tickets=synthetic_tickets(int(sys.argv[3]), "SEED"))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


class ServerProcess:
    """The central API in a process of its own, as in production: its JSON work must not
    compete with the client's GUI thread for this interpreter's lock."""

    def __init__(self, folder: Path, tickets: int) -> None:
        import socket
        import subprocess

        import requests

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, f"sqlite:///{folder / 'central.db'}", str(port),
             str(tickets)], cwd=ROOT)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/api/v1/health", timeout=1)
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise RuntimeError("the server process exited") from None
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--push", type=int, default=1000)
    parser.add_argument("--pull", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=500, help="pull page size")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeding = time.perf_counter()
        server = ServerProcess(folder, args.pull)
        print(f"server seeded with {args.pull} tickets in {time.perf_counter() - seeding:.1f} s")
        try:
            push_s = bench_push(folder, server.url, args.push)
            print(f"push {args.push} queued tickets: {push_s:.2f} s (target ≤ 5 s)")
            pull_s, stall_ms = bench_pull_with_gui(folder, server.url, args.pull, args.page)
            print(f"pull {args.pull + args.push} changes into an empty client: {pull_s:.1f} s "
                  f"(target ≤ 30 s for 100k)")
            print(f"longest GUI event-loop gap during the pull: {stall_ms:.1f} ms "
                  f"(target ≤ 50 ms)")
        finally:
            server.stop()
    print(json.dumps({"push_tickets": args.push, "push_s": round(push_s, 2),
                      "pull_changes": args.pull + args.push, "pull_s": round(pull_s, 1),
                      "gui_max_gap_ms": round(stall_ms, 1)}))


if __name__ == "__main__":
    main()
