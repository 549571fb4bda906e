"""Several clients going on- and offline against one server: everything converges.

A hypothesis state machine registers tickets on random clients, syncs random clients, and
replays pushes whose acknowledgements were "lost"; at the end every client syncs and every
client and the server hold every ticket exactly once, with nothing left unsent.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import text

from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from tests.factories import make_ticket

CLIENTS = 3
SERVER: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def shared_server(tmp_path_factory):
    server = start_embedded(f"sqlite:///{tmp_path_factory.mktemp('c') / 'central.db'}",
                            seed_demo_users=True)
    SERVER["url"] = server.url
    yield
    server.stop()


def signed_in(username: str) -> CentralClient:
    client = CentralClient(str(SERVER["url"]), retries=0)
    client.token = client.login(username, "demo").token
    return client


class Convergence(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="converge-"))
        self.prefix = uuid.uuid4().hex[:8]
        # One operator account per client: a client id belongs to one user.
        self.engines = [SyncEngine(open_database(self.folder / f"c{n}.db"),
                                   signed_in(("op01", "op02", "lead01")[n]), push_batch=3,
                                   page_size=4) for n in range(CLIENTS)]
        self.registered: set[str] = set()

    @rule(client=st.integers(0, CLIENTS - 1))
    def register(self, client: int) -> None:
        ticket_id = f"{self.prefix}-{len(self.registered):03d}"
        ops.register_ticket(self.engines[client].db, make_ticket(ticket_id, events=2))
        self.registered.add(ticket_id)

    @rule(client=st.integers(0, CLIENTS - 1))
    def sync(self, client: int) -> None:
        report = self.engines[client].sync_once()
        assert report.rejected == []

    @rule(client=st.integers(0, CLIENTS - 1))
    def push_but_lose_the_reply(self, client: int) -> None:
        engine = self.engines[client]
        with engine.db.unit_of_work() as uow:
            batch = [{"mutation_id": r.mutation_id, "op": r.op, "entity_id": r.entity_id,
                      "args": json.loads(r.args), "base_version": r.base_version}
                     for r in uow.outbox.pending(2)]
        engine.client.push(engine.db.client_id(), batch)

    @invariant()
    def nothing_is_lost_locally(self) -> None:
        if not hasattr(self, "engines"):
            return
        held: set[str] = set()
        for engine in self.engines:
            with engine.db.unit_of_work() as uow:
                held |= {ticket_id for ticket_id in uow.session.scalars(text(
                    "SELECT id FROM tickets")) if ticket_id.startswith(self.prefix)}
        server_ids = {c["id"] for c in self.server_changes()}
        assert self.registered <= held | server_ids

    def server_changes(self) -> list[dict]:
        return self.engines[0].client.pull(0, limit=1000, epoch=None)["changes"]

    def teardown(self) -> None:
        if not hasattr(self, "engines"):
            return
        try:
            for _ in range(2):
                for engine in self.engines:
                    engine.sync_once()
            server_ids = [c["id"] for c in self.server_changes() if c["id"].startswith(
                self.prefix)]
            assert sorted(server_ids) == sorted(self.registered)  # each exactly once
            for engine in self.engines:
                overview = ops.load_overview(engine.db, make_ticket().created_at)
                assert overview.unsent == 0
                with engine.db.unit_of_work() as uow:
                    for ticket_id in self.registered:
                        ticket = uow.tickets.get(ticket_id)
                        assert ticket is not None and len(ticket.events) == 2
        finally:
            for engine in self.engines:
                engine.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)


Convergence.TestCase.settings = settings(max_examples=12, stateful_step_count=12,
                                         deadline=None)
TestConvergence = Convergence.TestCase
