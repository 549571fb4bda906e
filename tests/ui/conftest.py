from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_app.storage.database import Database, open_database
from agent_app.tasks import TaskRunner


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "agent.db")
    yield database
    database.close()


@pytest.fixture
def tasks(qapp, db: Database) -> Iterator[TaskRunner]:
    runner = TaskRunner(db)
    yield runner
    runner.shutdown()


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory):
    """A real central API on 127.0.0.1 with the demo users."""
    from central_api.embedded import start_embedded

    path = tmp_path_factory.mktemp("central") / "central.db"
    server = start_embedded(f"sqlite:///{path}", seed_demo_users=True)
    yield server
    server.stop()


@pytest.fixture
def dead_url() -> str:
    """An address where nothing listens: connection refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
