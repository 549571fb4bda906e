"""What a pull costs the server in database round trips (issue #20): with 200 clients every
request is one of hundreds a second, and each statement is a round trip and its Python around
it. The sign-in check reads the token and its user in one statement, where the epoch, the
floor and the horizon stand in one more each, and the endpoint hands its connection back
itself, so the session is closed without another hop to a thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
import requests
from fastapi import FastAPI
from sqlalchemy import event

from central_api.embedded import EmbeddedServer, start_embedded
from tests.clients import signed_in


@pytest.fixture
def server(server_db_url: str) -> Iterator[EmbeddedServer]:
    started = start_embedded(server_db_url, seed_demo_users=True)
    yield started
    started.stop()


def statements_of(server: EmbeddedServer, path: str, params: dict[str, Any],
                  token: str) -> list[str]:
    engine = cast(FastAPI, server.server.config.app).state.engine
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", note)
    try:
        reply = requests.get(f"{server.url}/api/v1{path}", params=params,
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert reply.status_code == 200, reply.text
    return seen


@pytest.mark.parametrize("path", ["/sync/pull", "/kb/articles"])
def test_a_pull_after_the_cursor_is_four_statements(server: EmbeddedServer, path: str) -> None:
    client = signed_in(server.url)
    assert client.token is not None
    page = requests.get(f"{server.url}/api/v1{path}", params={"since": 0}, timeout=10,
                        headers={"Authorization": f"Bearer {client.token}"}).json()
    # A client that is up to date: its epoch and its cursor, as SyncEngine sends them.
    seen = statements_of(server, path, {"since": page["cursor"],
                                        "epoch": page["server_epoch"]}, client.token)
    # The sign-in check, epoch and floor, the versions' bounds (SQLite: the counter), the
    # rows. Before: token, user, epoch, newest version, floor, and the horizon behind a gate
    # lock (four on PostgreSQL), then the rows.
    assert len(seen) == 4, seen


def test_a_pull_hands_its_connection_back_before_the_session_closes(
        server: EmbeddedServer) -> None:
    """The pull ends its read transaction itself: closing the session then touches no
    connection, and the request needs no extra thread for it."""
    app = cast(FastAPI, server.server.config.app)
    pool = app.state.engine.pool
    client = signed_in(server.url)
    before = pool.checkedout()
    ended: list[bool] = []
    original = app.state.sessions

    def watched_sessions() -> Any:
        session = original()
        real_close = session.close

        def close() -> None:
            ended.append(not session.in_transaction())
            real_close()

        session.close = close
        return session

    app.state.sessions = watched_sessions
    try:
        client.pull(0, limit=10, epoch=None)
        # The session may close just after the answer has gone out: wait for it.
        deadline = time.monotonic() + 10
        while not ended and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        app.state.sessions = original
    assert ended == [True]
    assert pool.checkedout() == before


def test_a_push_reads_the_epoch_once_and_the_calendar_once_for_all_its_commands(
        server: EmbeddedServer) -> None:
    """Epoch and newest version in one statement; the working calendar read once per push,
    not once per command (a batch holds up to 500)."""
    from datetime import UTC, datetime

    from agent_app.core.actions import TicketCommand
    from agent_app.core.creation import creation_steps
    from agent_app.core.lifecycle import SideEvent
    from tests.factories import make_ticket

    client = signed_in(server.url)
    ticket = make_ticket("COST-1")
    mutations: list[dict[str, Any]] = [{"op": "ticket.create", "entity_id": ticket.id,
                                        "args": creation_steps(ticket)[0].to_dict()}]
    for _ in range(3):
        note = TicketCommand(ticket.id, SideEvent.NOTE, datetime.now(UTC), "op01",
                             {"text": "补充"})
        mutations.append({"op": "ticket.action", "entity_id": ticket.id,
                          "args": note.to_dict()})
    numbered = [{"mutation_id": n, **m} for n, m in enumerate(mutations, start=1)]
    engine = cast(FastAPI, server.server.config.app).state.engine
    seen: list[str] = []

    def note_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note_statement)
    try:
        reply = requests.post(f"{server.url}/api/v1/sync/push", timeout=10,
                              headers={"Authorization": f"Bearer {client.token}"},
                              json={"client_id": "cost-client-1", "mutations": numbered})
    finally:
        event.remove(engine, "before_cursor_execute", note_statement)
    assert reply.status_code == 200, reply.text
    assert [a["status"] for a in reply.json()["acks"]] == ["applied"] * 4
    assert sum("FROM calendar_overrides" in s for s in seen) == 1, seen
    assert sum("server_meta" in s for s in seen) == 1, seen


def test_a_busy_server_keeps_the_connections_it_opened(server_db_url: str) -> None:
    # As many requests at once as the slots let hold a session, twice: the second time
    # finds every connection open (an overflow connection would have been closed on return,
    # and PostgreSQL forks and signs in a new backend for each).
    from central_api.db import POOL_CONNECTIONS, make_engine

    engine = make_engine(server_db_url)
    opened: list[object] = []
    event.listen(engine, "connect", lambda connection, _record: opened.append(connection))
    try:
        for _ in range(2):
            held = [engine.connect() for _ in range(POOL_CONNECTIONS)]
            for connection in held:
                connection.exec_driver_sql("SELECT 1")
            for connection in held:
                connection.close()
        assert len(opened) == POOL_CONNECTIONS
    finally:
        engine.dispose()
