"""Shift handover (交班) against a real central API on loopback and a real SQLite cache: what
the previous user made reaches the server as theirs before anyone else signs in, and the next
user's changes go under a client id the server pairs with the next user."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.accounts import (
    CLIENT_USER_KEY,
    UnsentWorkOfAnotherUserError,
    claim_client_for,
    hand_over,
    pending_changes,
)
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from agent_app.sync.engine import SyncEngine, SyncReport
from central_api.embedded import start_embedded
from tests.clients import signed_in
from tests.factories import make_ticket


@pytest.fixture
def server(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'server.db'}", seed_demo_users=True)
    yield embedded
    embedded.stop()


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "agent.db")
    yield database
    database.close()


def made_by(username: str, ticket_id: str, phone: str):
    """A ticket as the intake form builds it: its events carry the signed-in user."""
    ticket = make_ticket(ticket_id, phone=phone)
    return replace(ticket, events=[replace(event, actor=username) for event in ticket.events])


def push_with(db, client: CentralClient) -> None:
    SyncEngine(db, client).push(SyncReport(), lambda _progress: None)


def creator_of(server_url: str, ticket_id: str) -> str:
    ticket = signed_in(server_url, "lead01").get(f"/tickets/{ticket_id}")["ticket"]
    return ticket["events"][0]["actor"]


def test_the_previous_users_work_is_sent_as_theirs_then_the_next_user_gets_a_client(
        server, db):
    first = signed_in(server.url, "op01")
    assert not claim_client_for(db, "op01")  # the first user of the cache keeps its id
    ops.register_ticket(db, make_ticket("T-A", phone="13900000001"))
    forgotten: list[str] = []
    result = hand_over(db, push=lambda: push_with(db, first), logout=first.logout,
                       forget_token=lambda: forgotten.append("op01"))
    assert result.ended and result.unsent == 0 and result.server_told
    assert forgotten == ["op01"]
    assert creator_of(server.url, "T-A") == "op01"
    with pytest.raises(ApiError) as ended:
        first.me()  # the server revoked the session
    assert ended.value.status == 401

    old_id = db.client_id()
    second = signed_in(server.url, "op02")
    assert claim_client_for(db, "op02")
    assert db.client_id() != old_id
    ops.register_ticket(db, made_by("op02", "T-B", "13900000002"))
    push_with(db, second)
    assert pending_changes(db) == 0
    assert creator_of(server.url, "T-B") == "op02"


def test_without_a_new_client_id_the_server_refuses_the_next_user(server, db):
    """Why the handover takes a new id: the server pairs an id with one user."""
    first = signed_in(server.url, "op01")
    ops.register_ticket(db, make_ticket("T-A"))
    push_with(db, first)
    ops.register_ticket(db, make_ticket("T-B"))
    with pytest.raises(ApiError) as refused:
        push_with(db, signed_in(server.url, "op02"))
    assert refused.value.status == 403


def test_offline_the_session_is_not_ended_and_nothing_moves(server, db):
    claim_client_for(db, "op01")
    ops.register_ticket(db, make_ticket("T-A"))
    ops.register_ticket(db, make_ticket("T-B"))
    unreachable = CentralClient("http://127.0.0.1:9", retries=0, timeout=(0.5, 0.5))
    unreachable.token = "op01-token"
    logged_out: list[bool] = []
    result = hand_over(db, push=lambda: push_with(db, unreachable),
                       logout=lambda: logged_out.append(True),
                       forget_token=lambda: logged_out.append(True))
    assert not result.ended and result.unsent == 2
    assert isinstance(result.reason, ServerUnreachableError)
    assert logged_out == []  # still signed in: the token stays for when the network is back
    # Nobody else may take the installation while op01's changes wait.
    with pytest.raises(UnsentWorkOfAnotherUserError):
        claim_client_for(db, "op02")
    with db.unit_of_work() as uow:
        assert uow.meta.get(CLIENT_USER_KEY) == "op01"
    # Back online, the same user sends them, as theirs.
    push_with(db, signed_in(server.url, "op01"))
    assert pending_changes(db) == 0
    assert creator_of(server.url, "T-B") == "op01"
