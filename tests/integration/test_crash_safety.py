"""kill -9 at random points while tickets are saved, dispatched and synced, many times over:
the cache stays intact and, once a sync completes, server and client hold every ticket and
every action on it exactly once."""

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from agent_app.core.interchange import ticket_from_dict
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.sync.client import CentralClient
from central_api.embedded import start_embedded
from central_api.limits import ServerLimits, TokenBucket

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys, itertools
from datetime import UTC, datetime
from pathlib import Path
from agent_app.core.actions import TicketCommand
from agent_app.core.lifecycle import Action
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import SyncEngine
from tests.factories import make_ticket

data_dir, url, token, only_sync = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
db = open_database(data_dir / "agent.db")
engine = SyncEngine(db, CentralClient(url, token=token, retries=0), push_batch=7, page_size=9)
if only_sync == "1":
    engine.sync_once()
    print("synced", flush=True)
    sys.exit(0)
with db.unit_of_work() as uow:
    start = uow.tickets.count()
print("ready", flush=True)
for n in itertools.count(start):
    ticket_id = f"K-{n:05d}-{data_dir.name}"
    ops.register_ticket(db, make_ticket(ticket_id, events=2))
    if n % 2:  # an action after the save: its own transaction, its own mutation
        ops.perform_ticket_command(db, TicketCommand(ticket_id, Action.DISPATCH,
                                                     datetime.now(UTC), "op01",
                                                     {"unit": "市城市管理局"}))
    if n % 5 == 0:
        engine.sync_once()
"""


def run_worker(data_dir: Path, url: str, token: str, *, only_sync: bool
               ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(data_dir), url, token,
                             "1" if only_sync else "0"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_during_save_and_sync_loses_and_doubles_nothing(tmp_path):
    # The worker saves and syncs in a tight loop, far faster than a seat; the push limit has
    # tests of its own (test_accounts.py).
    limits = ServerLimits(push=TokenBucket(rate=1000.0, burst=1000.0))
    server = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True,
                            server_limits=limits)
    try:
        token = CentralClient(server.url).login("op01", "demo").token
        data_dir = tmp_path / "client"
        data_dir.mkdir()
        open_database(data_dir / DB_FILENAME).close()  # migrated before the first kill
        rng = random.Random(20261123)
        for _ in range(12):
            worker = run_worker(data_dir, server.url, token, only_sync=False)
            # Killed while saving and syncing, however long the start-up took.
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.3, 1.5))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

        conn = sqlite3.connect(data_dir / DB_FILENAME)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        local_ids = {row[0] for row in conn.execute("SELECT id FROM tickets")}
        orphans = conn.execute("SELECT count(*) FROM outbox WHERE entity_id NOT IN "
                               "(SELECT id FROM tickets)").fetchone()[0]
        conn.close()
        assert len(local_ids) > 10 and orphans == 0

        final = run_worker(data_dir, server.url, token, only_sync=True)
        out, err = final.communicate(timeout=120)
        assert "synced" in out
        assert final.returncode == 0, err
        reader = CentralClient(server.url)
        reader.token = token
        changes = reader.pull(0, limit=1000, epoch=None)["changes"]
        server_ids = [c["id"] for c in changes]
        assert len(server_ids) == len(set(server_ids))
        assert set(server_ids) == local_ids
        on_server = {c["id"]: [e.id for e in ticket_from_dict(c["ticket"]).events]
                     for c in changes}
        db = open_database(data_dir / DB_FILENAME)
        with db.unit_of_work() as uow:
            assert uow.outbox.pending_count() == 0 and uow.outbox.rejected_count() == 0
            every = {ticket_id: uow.tickets.get(ticket_id) for ticket_id in local_ids}
        db.close()
        dispatched = 0
        for ticket_id, ticket in every.items():
            assert ticket is not None
            kinds = [e.kind for e in ticket.events]
            # Two events from the save, then the dispatch at most once.
            assert len(kinds) in (2, 3) and kinds.count("dispatched") == len(kinds) - 2
            dispatched += len(kinds) - 2
            assert on_server[ticket_id] == [e.id for e in ticket.events], ticket_id
        assert dispatched > 5
    finally:
        server.stop()
