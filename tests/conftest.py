"""Shared fixtures. Qt runs offscreen in every test: CI has no display."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any test imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A machine-wide config of the machine running the tests must not leak into them.
os.environ["AGENT_APP_SYSTEM_CONFIG"] = os.devnull


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    import subprocess

    from tests.postgres import start_cluster

    try:
        cluster = start_cluster()
    except (FileNotFoundError, OSError, subprocess.CalledProcessError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not available here: {exc}")
    yield cluster
    cluster.stop()


def _database_url(request: pytest.FixtureRequest, folder: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'central.db'}"
    return request.getfixturevalue("postgres_cluster").create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh central-API database of each kind the server supports."""
    return _database_url(request, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_server_db_url(request: pytest.FixtureRequest,
                         tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same, shared by a module's tests (for servers that are slow to fill)."""
    return _database_url(request, tmp_path_factory.mktemp("central"))
