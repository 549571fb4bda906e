"""Sync budgets of DESIGN.md §8, on loopback against the embedded central API (SQLite file).

- push: 1,000 tickets queued offline, pushed in one `sync_once`. Target ≤ 5 s.
- pull: N changes (default 100k + the pushed ones) into an empty client, as the app pulls
  them (a worker process for a long pull). Target ≤ 1.5 × a plain-Python floor measured in
  the same run: the same pages encoded as the server sends them, decoded, and inserted into
  SQLite in WAL with synchronous=FULL and three indexes, one transaction per page.
- GUI stall: the pull runs on the tasks runner's sync thread while a 10 ms QTimer ticks on
  the GUI thread; the longest gap between ticks is the worst stall. Target ≤ 50 ms with
  another process keeping one core busy (started here, for the floor and the pull alike;
  --quiet leaves it out).

    python benchmarks/sync.py [--push 1000] [--pull 100000] [--quiet] [--in-thread]

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


class Gaps:
    """A 10 ms QTimer on the GUI thread; every gap between its ticks is kept."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.gaps.append(now - self._last)
        self._last = now

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.gaps) or [0.0]
        return {"max_ms": round(ordered[-1], 1),
                "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
                "over_50ms": sum(1 for gap in ordered if gap > 50),
                "ticks": len(self.gaps)}


def gaps_idle(seconds: float) -> dict[str, float]:
    """The same timer with nothing pulling: what the machine alone does to it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    gaps = Gaps()
    gaps.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    gaps.stop()
    return gaps.summary()


def bench_pull_with_gui(folder: Path, url: str, expected: int, page_size: int,
                        in_worker: bool) -> tuple[float, dict[str, float]]:
    from PySide6.QtWidgets import QApplication

    from agent_app.storage.database import open_database
    from agent_app.sync.engine import SyncEngine
    from agent_app.tasks import TaskRunner
    from agent_app.ui.app import freeze_startup_objects

    app = QApplication.instance() or QApplication([])
    db = open_database(folder / "pull.db")
    tasks = TaskRunner(db)
    engine = SyncEngine(db, signed_in(url, "op02"), page_size=page_size,
                        pull_in_worker=in_worker)
    freeze_startup_objects()  # as the app does once its window is up
    gaps = Gaps()
    result: dict[str, object] = {}

    def done(report: object) -> None:
        result["report"] = report
        result["seconds"] = time.perf_counter() - started
        app.quit()

    def failed(exc: BaseException) -> None:
        result["error"] = exc
        app.quit()

    gaps.start()
    started = time.perf_counter()
    tasks.run_sync(lambda _db: engine.sync_once(), on_done=done, on_error=failed)
    app.exec()
    gaps.stop()
    tasks.shutdown()
    db.close()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    assert result["report"].pulled >= expected, result  # type: ignore[attr-defined]
    return float(result["seconds"]), gaps.summary()  # type: ignore[arg-type]


def server_pages(url: str, page_size: int, count: int) -> list[str]:
    """`count` changes as the server sends them, in pages: its first page's rows repeated
    under new ids and versions (the floor's input; fetched once, outside the timing)."""
    client = signed_in(url, "op02")
    template = client.pull(0, limit=page_size, epoch=None)["changes"]
    epoch = client.health()["server_epoch"]
    pages = []
    for start in range(0, count, page_size):
        changes = []
        for n in range(start, min(start + page_size, count)):
            row = template[n % len(template)]
            ticket = {**row["ticket"], "id": f"FLOOR-{n:07d}"}
            changes.append({"version": n + 1, "id": ticket["id"], "deleted": False,
                            "ticket": ticket})
        pages.append({"server_epoch": epoch, "changes": changes,
                      "cursor": min(start + page_size, count),
                      "more": start + page_size < count})
    client.close()
    return pages  # type: ignore[return-value]  # dicts, encoded in the timed part


def plain_python_floor(folder: Path, pages: list[dict]) -> float:  # type: ignore[type-arg]
    """Encode each page as the server would, decode it, and insert its tickets (their fields
    and their events as JSON text) into SQLite in WAL, synchronous=FULL, three indexes."""
    import sqlite3

    conn = sqlite3.connect(folder / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    columns = ("id", "version", "created_at", "channel", "appeal_type", "urgency", "status",
               "caller", "category", "location", "address", "content", "demand", "unit",
               "deadline", "events")
    conn.execute(f"CREATE TABLE tickets ({', '.join(columns)}, PRIMARY KEY (id))")
    for name in ("status", "created_at", "deadline"):
        conn.execute(f"CREATE INDEX ix_{name} ON tickets ({name})")
    sql = f"INSERT INTO tickets VALUES ({', '.join('?' for _ in columns)})"
    started = time.perf_counter()
    for page in pages:
        decoded = json.loads(json.dumps(page, ensure_ascii=False))
        rows = []
        for change in decoded["changes"]:
            t = change["ticket"]
            rows.append((t["id"], change["version"], t["created_at"], t["channel"],
                         t["appeal_type"], t.get("urgency"), t["status"],
                         json.dumps(t.get("caller"), ensure_ascii=False),
                         json.dumps(t.get("category"), ensure_ascii=False),
                         json.dumps(t.get("location"), ensure_ascii=False), t.get("address"),
                         t.get("content"), t.get("demand"), t.get("unit"), t.get("deadline"),
                         json.dumps(t.get("events"), ensure_ascii=False)))
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


class BusyCore:
    """Another process keeping one core busy, as on a PC where something else is working."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def copy_database(source: Path, target: Path) -> None:
    """SQLite's backup: the copy includes what is still in the source's WAL."""
    import sqlite3

    source_conn, target_conn = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_conn.backup(target_conn)
    finally:
        source_conn.close()
        target_conn.close()


SERVE = """
import sys
import uvicorn
from benchmarks.sync import seed_in_bulk, synthetic_tickets
from central_api.app import create_app
app = create_app(sys.argv[1], seed_demo_users=True)
seed_in_bulk(app.state.sessions, synthetic_tickets(int(sys.argv[3]), "SEED"))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def seed_in_bulk(sessions, tickets: list[dict]) -> None:  # type: ignore[no-untyped-def,type-arg]
    """The rows `central_api.sync.seed_tickets` writes, in two executemany statements: its
    ticket-by-ticket ORM adds take over ten minutes for 100k on a busy 2-core machine."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select, update

    from central_api.models import TicketEventId, TicketRecord, VersionCounter

    if not tickets:
        return
    with sessions() as session:
        start = session.scalar(select(VersionCounter.value).where(VersionCounter.id == 1))
        now = datetime.now(UTC)
        session.execute(insert(TicketRecord), [
            {"id": record["id"], "data": json.dumps(record, ensure_ascii=False),
             "status": record["status"], "unit": record.get("unit"), "version": start + 1 + n,
             "deleted": False, "updated_at": now} for n, record in enumerate(tickets)])
        session.execute(insert(TicketEventId), [
            {"event_id": event["id"], "ticket_id": record["id"]}
            for record in tickets for event in record["events"]])
        session.execute(update(VersionCounter).where(VersionCounter.id == 1)
                        .values(value=start + len(tickets)))
        session.commit()



class ServerProcess:
    """The central API in a process of its own, as in production: its JSON work must not
    compete with the client's GUI thread for this interpreter's lock."""

    def __init__(self, folder: Path, tickets: int, seeded: Path | None = None) -> None:
        """With `seeded` (a central database already holding the tickets), a copy of it is
        served instead of seeding, which takes minutes on a busy machine."""
        import socket
        import subprocess

        import requests

        if seeded is not None:
            copy_database(seeded, folder / "central.db")
            tickets = 0

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, f"sqlite:///{folder / 'central.db'}", str(port),
             str(tickets)], cwd=ROOT)
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/api/v1/health", timeout=1)
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise RuntimeError("the server process exited") from None
                time.sleep(0.2)
        self.process.kill()  # not left running (and seeding) after the benchmark gave up
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--push", type=int, default=1000)
    parser.add_argument("--pull", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=500, help="pull page size")
    parser.add_argument("--quiet", action="store_true",
                        help="no process keeping a core busy during the floor and the pull")
    parser.add_argument("--in-thread", action="store_true",
                        help="pull on the sync thread as before, not in a worker process")
    parser.add_argument("--seeded", type=Path, default=None,
                        help="a central database seeded with --pull tickets by an earlier "
                             "run (made there if missing); each run serves a copy")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeding = time.perf_counter()
        if args.seeded is not None and not args.seeded.exists():
            made = ServerProcess(folder, args.pull)
            made.stop()
            copy_database(folder / "central.db", args.seeded)
        server = ServerProcess(folder, args.pull, args.seeded)
        print(f"server seeded with {args.pull} tickets in {time.perf_counter() - seeding:.1f} s")
        try:
            push_s = bench_push(folder, server.url, args.push)
            print(f"push {args.push} queued tickets: {push_s:.2f} s (target ≤ 5 s)")
            changes = args.pull + args.push
            pages = server_pages(server.url, args.page, changes)
            busy = None if args.quiet else BusyCore()
            try:
                idle = gaps_idle(10.0)
                floor_s = plain_python_floor(folder, pages)
                del pages
                pull_s, stall = bench_pull_with_gui(folder, server.url, args.pull, args.page,
                                                       not args.in_thread)
            finally:
                if busy is not None:
                    busy.stop()
            ratio = pull_s / floor_s
            print(f"{'quiet' if args.quiet else 'one core kept busy by another process'}; "
                  f"load average {load_average()}")
            print(f"pull {changes} changes into an empty client "
                  f"({'sync thread' if args.in_thread else 'worker process'}): {pull_s:.1f} s; "
                  f"plain-Python floor {floor_s:.1f} s; ratio {ratio:.2f} (target ≤ 1.5)")
            print(f"GUI event-loop gaps during the pull: longest {stall['max_ms']} ms "
                  f"(target ≤ 50 ms), p99 {stall['p99_ms']} ms, {stall['over_50ms']} over 50 ms "
                  f"in {stall['ticks']} ticks; with nothing pulling for 10 s, same conditions: "
                  f"longest {idle['max_ms']} ms, p99 {idle['p99_ms']} ms, "
                  f"{idle['over_50ms']} over 50 ms in {idle['ticks']} ticks")
        finally:
            server.stop()
    print(json.dumps({"push_tickets": args.push, "push_s": round(push_s, 2),
                      "pull_changes": changes, "pull_s": round(pull_s, 2),
                      "pull_floor_s": round(floor_s, 2), "pull_ratio": round(ratio, 2),
                      "gui_max_gap_ms": stall["max_ms"],
                      "gui_gaps": stall, "gui_gaps_idle": idle, "busy_core": not args.quiet,
                      "in_worker": not args.in_thread, "load_average": load_average()}))


if __name__ == "__main__":
    main()
