"""Network faults between client and server: every failure is reported as such, nothing is
lost or doubled, and a sync after the network recovers converges."""

import pytest

from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from tests.factories import make_ticket
from tests.faultproxy import FaultProxy


@pytest.fixture
def setup(tmp_path):
    server = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    port = int(server.url.rsplit(":", 1)[1])
    proxy = FaultProxy(port, delay=1.5)
    client = CentralClient(proxy.url, timeout=(1, 0.8), retries=0)
    client.token = CentralClient(server.url).login("op01", "demo").token
    db = open_database(tmp_path / "agent.db")
    reader = CentralClient(server.url)
    reader.token = reader.login("op02", "demo").token
    yield proxy, SyncEngine(db, client, push_batch=5), reader
    db.close()
    proxy.stop()
    server.stop()


@pytest.mark.parametrize("mode", ["reset", "delay", "lose_reply", "truncate"])
def test_sync_survives_a_faulty_network_and_converges_afterwards(setup, mode):
    proxy, engine, reader = setup
    for n in range(12):
        ops.register_ticket(engine.db, make_ticket(f"F-{n:02d}"))

    proxy.mode = mode
    for _ in range(3):
        with pytest.raises((ServerUnreachableError, ApiError)):
            engine.sync_once()
    with engine.db.unit_of_work() as uow:
        assert uow.tickets.count() == 12  # nothing local is lost while the network misbehaves

    proxy.mode = "pass"
    # The short read timeout exposed the delay; now the network is sound, a busy test
    # machine must not turn a slow first answer into a failed recovery.
    engine.client.timeout = (5.0, 10.0)
    report = engine.sync_once()
    assert report.rejected == []
    on_server = [c["id"] for c in reader.pull(0, limit=100, epoch=None)["changes"]]
    assert sorted(on_server) == [f"F-{n:02d}" for n in range(12)]  # each exactly once
    with engine.db.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 0 and uow.tickets.count() == 12
    if mode in ("lose_reply", "truncate"):
        # The server applied what it received; the client learned of it as duplicates.
        assert report.duplicates > 0
