"""Property: whatever a client pushes is either rejected with a reason and not applied, or
applied and storable by every other client's cache, where it reads back as the server holds
it. Hypothesis makes valid mutations and breaks some of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_app.core.enums import AppealType, Channel, Gender, Urgency
from agent_app.core.interchange import ticket_from_dict
from agent_app.storage.database import open_database
from agent_app.sync.engine import SyncEngine
from central_api.app import API, DEMO_PASSWORD
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.limits import ServerLimits, TokenBucket
from tests.clients import signed_in

UNITS = ["市城市管理局", "市住房和城乡建设局", "卫东区五一路街道办事处"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               max_size=40)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedServer, str,
                                                                      SyncEngine]]:
    folder = tmp_path_factory.mktemp("roundtrip")
    # Hypothesis pushes far faster than a seat does (40 examples and their replays as one
    # user); the push limit has tests of its own (test_accounts.py).
    limits = ServerLimits(push=TokenBucket(rate=1000.0, burst=1000.0))
    server = start_embedded(f"sqlite:///{folder / 'central.db'}", seed_demo_users=True,
                            server_limits=limits)
    token = requests.post(f"{server.url}{API}/auth/login", timeout=10,
                          json={"username": "op01", "password": DEMO_PASSWORD}).json()["token"]
    db = open_database(folder / "seat.db")
    yield server, token, SyncEngine(db, signed_in(server.url, "op02"))
    db.close()
    server.stop()


@st.composite
def intake(draw: st.DrawFn) -> dict[str, Any]:
    received = datetime.now(UTC) - timedelta(minutes=draw(st.integers(1, 60 * 24 * 30)))
    return {
        "id": f"P-{uuid.uuid4().hex[:12]}",
        "received_at": received.isoformat(),
        "registered_event_id": str(uuid.uuid4()),
        "channel": draw(st.sampled_from(list(Channel))).value,
        "appeal_type": draw(st.sampled_from(list(AppealType))).value,
        "urgency": draw(st.sampled_from(list(Urgency))).value,
        "category": draw(st.none() | st.tuples(text.filter(str.strip),
                                                text.filter(str.strip)).map(list)),
        "caller": {"name": draw(text), "phone": draw(st.from_regex(r"[0-9+\- ]{0,20}",
                                                                   fullmatch=True)),
                   "gender": draw(st.sampled_from(list(Gender))).value,
                   "phone_withheld": draw(st.booleans())},
        "location": draw(st.tuples(text, text, text).map(list)),
        "address": draw(text), "content": draw(text.filter(str.strip)),
        "demand": draw(text), "confidential": draw(st.booleans()),
        "callback_permitted": draw(st.booleans()),
    }


_BREAKS: list[tuple[str, Any]] = [
    ("content", {"nested": True}), ("content", "长" * 5000), ("caller", ["a"]),
    ("location", ["only one"]), ("category", ["一级"]),
    ("received_at", "9999-12-31T00:00:00-14:00"),
    ("confidential", "yes"), ("channel", "fax"), ("registered_event_id", "1"),
    ("status", "closed"), ("id", "../etc"), ("address", 12),
]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[list[dict[str, Any]], bool]:
    facts = draw(intake())
    broken = draw(st.booleans())
    if broken:
        key, value = draw(st.sampled_from(_BREAKS))
        facts[key] = value
    batch = [{"op": "ticket.create", "entity_id": facts["id"], "args": facts}]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["note", "dispatch"]))
        data = ({"text": draw(text.filter(str.strip))} if kind == "note"
                else {"unit": draw(st.sampled_from(UNITS))})
        batch.append({"op": "ticket.action", "entity_id": facts["id"], "args": {
            "ticket_id": facts["id"], "kind": kind, "event_id": str(uuid.uuid4()),
            "at": datetime.now(UTC).isoformat(), "actor": "op01", "data": data}})
    return batch, broken


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations())
def test_every_applied_mutation_round_trips_into_another_clients_cache(world, generated):
    server, token, engine = world
    batch, broken = generated
    numbered = [{"mutation_id": n, **m} for n, m in enumerate(batch, start=1)]
    reply = requests.post(f"{server.url}{API}/sync/push", timeout=10,
                          headers={"Authorization": f"Bearer {token}"},
                          json={"client_id": f"prop-{uuid.uuid4().hex[:20]}",
                                "mutations": numbered})
    assert reply.status_code == 200, reply.text
    acks = reply.json()["acks"]
    assert all(a["status"] == "applied" or a["reason"] for a in acks)
    if broken:
        assert acks[0]["status"] == "rejected"
    report = engine.sync_once()
    assert report.quarantined == 0
    ticket_id = batch[0]["entity_id"]
    held = requests.get(f"{server.url}{API}/tickets/{ticket_id}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})
    with engine.db.unit_of_work() as uow:
        cached = uow.tickets.get(ticket_id)
    if acks[0]["status"] != "applied":
        assert held.status_code == 404 and cached is None
        return
    assert cached == ticket_from_dict(held.json()["ticket"])
