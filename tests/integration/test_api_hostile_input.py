"""Regression tests for what fuzzing the central API found: each of these answered 500 (or was
silently accepted against the documented contract) before it was fixed. SQLite and PostgreSQL
fail differently, so both run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests

from agent_app.core.enums import TicketStatus
from agent_app.core.i18n import translated
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.wire import W_MALFORMED
from central_api.app import API, DEMO_PASSWORD, ENDPOINT_ROLES
from central_api.deps import MAX_NESTING, MAX_VERSION
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.openapi_doc import DOCUMENT
from tests.factories import make_ticket

TIMEOUT = 10
UNIT = "市城市管理局"


@pytest.fixture(scope="module")
def server(module_server_db_url: str) -> Iterator[EmbeddedServer]:
    url = module_server_db_url
    dispatched = replace(make_ticket("OPEN-1"), status=TicketStatus.DISPATCHED, unit=UNIT)
    embedded = start_embedded(url, seed_demo_users=True,
                              demo_tickets=[ticket_to_dict(dispatched)])
    yield embedded
    embedded.stop()


@pytest.fixture(scope="module")
def tokens(server: EmbeddedServer) -> dict[str, str]:
    return {name: raw(server, "POST", "/auth/login",
                      json.dumps({"username": name, "password": DEMO_PASSWORD})).json()["token"]
            for name in ("op01", "unit-cgj", "admin")}


def raw(server: EmbeddedServer, method: str, path: str, body: str | None = None,
        token: str | None = None) -> requests.Response:
    """The body exactly as written: `json=` could not send an unpaired surrogate."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, f"{server.url}{API}{path}", headers=headers,
                            data=body.encode("utf-8") if body is not None else None,
                            timeout=TIMEOUT)


def push_one(server: EmbeddedServer, token: str, client_id: str, op: str, entity_id: str,
             args: dict[str, Any]) -> requests.Response:
    body = {"client_id": client_id, "mutations": [
        {"mutation_id": 1, "op": op, "entity_id": entity_id, "args": args}]}
    return raw(server, "POST", "/sync/push", json.dumps(body), token)


@pytest.mark.parametrize("path", ["/sync/pull", "/kb/articles"])
@pytest.mark.parametrize("since", [MAX_VERSION + 1, 10**30])
def test_a_cursor_beyond_any_version_is_refused_not_a_crash(server, tokens, path, since):
    # SQLite could not bind the number and PostgreSQL said "bigint out of range": 500.
    reply = raw(server, "GET", f"{path}?since={since}", token=tokens["op01"])
    assert reply.status_code == 422 and reply.json()["detail"][0]["loc"] == ["query", "since"]
    assert raw(server, "GET", f"{path}?since={MAX_VERSION}",
               token=tokens["op01"]).status_code == 200


def test_a_mutation_id_beyond_any_version_is_refused(server, tokens):
    body = {"client_id": "hostile-ids", "mutations": [
        {"mutation_id": MAX_VERSION + 1, "op": "ticket.note", "entity_id": "x", "args": {}}]}
    reply = raw(server, "POST", "/sync/push", json.dumps(body), tokens["op01"])
    assert reply.status_code == 422


def new_ticket(ticket_id: str, **fields: Any) -> dict[str, Any]:
    return {**ticket_to_dict(make_ticket(ticket_id)), **fields}


@pytest.mark.parametrize(("ticket_id", "fields", "reason"), [
    # The previous protocol's whole-ticket create, taken apart and checked.
    ("BAD-1", {"caller": "张先生 13800000000"}, translated(W_MALFORMED)),  # was a 500
    ("BAD-2", {"events": ["not an event"]}, translated(W_MALFORMED)),
    ("BAD-3", {"unit": "单" * 81}, translated(W_MALFORMED)),  # PostgreSQL: too long, 500
    ("BAD-4", {"unit": {"name": UNIT}}, translated(W_MALFORMED)),
])
def test_a_ticket_of_the_wrong_shape_is_rejected_with_a_reason(server, tokens, ticket_id,
                                                               fields, reason):
    reply = push_one(server, tokens["op01"], f"hostile-{ticket_id}", "ticket.create",
                     ticket_id, new_ticket(ticket_id, **fields))
    assert reply.status_code == 200, reply.text
    [ack] = reply.json()["acks"]
    assert ack["status"] == "rejected" and reason in ack["reason"]
    assert raw(server, "GET", f"/tickets/{ticket_id}", token=tokens["admin"]).status_code == 404


@pytest.mark.parametrize(("method", "path", "body", "who"), [
    ("POST", "/auth/login", '{"username": "\\ud800", "password": "x"}', None),
    ("PUT", "/kb/articles/hostile-1", '{"title": "t", "body": "b", "unit": "\\udfff"}', "admin"),
    ("POST", "/sync/push", '{"client_id": "hostile-surrogate", "mutations": [{"mutation_id": 1,'
     ' "op": "ticket.create", "entity_id": "S-1", "args": {"id": "S-1", "content": "\\ud83d"}}]}',
     "op01"),
    ("POST", "/unit/tickets/OPEN-1/reply", '{"text": "已处理完毕\\ud800"}', "unit-cgj"),
    ("POST", "/unit/tickets/OPEN-1/return", '{"reason": "不归\\u0000我们"}', "unit-cgj"),
], ids=["login", "kb-article", "push-args", "unit-reply", "unit-return-nul"])
def test_unpaired_surrogates_and_nul_are_refused_with_422(server, tokens, method, path, body,
                                                           who):
    # JSON may spell a lone surrogate; it has no UTF-8, so storing it (or even echoing it in
    # the 422) failed with a 500.
    reply = raw(server, method, path, body, tokens[who] if who else None)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]


def test_the_unit_ticket_survived_the_refused_bodies(server, tokens):
    reply = raw(server, "GET", "/unit/tickets", token=tokens["unit-cgj"])
    assert [t["status"] for t in reply.json() if t["id"] == "OPEN-1"] == ["dispatched"]


def test_nesting_deeper_than_any_client_sends_is_refused(server, tokens):
    deep: Any = "leaf"
    for _ in range(900):  # deep enough to exhaust a recursive walk, shallow enough to parse
        deep = [deep]
    reply = push_one(server, tokens["op01"], "hostile-deep", "ticket.note", "x", {"a": deep})
    assert reply.status_code == 422
    assert f"at most {MAX_NESTING} levels" in reply.text
    shallow = push_one(server, tokens["op01"], "hostile-shallow", "ticket.note", "x",
                       {"event": {"kind": "note", "tags": [["a"]]}})
    assert shallow.status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "who"), [
    ("PUT", "/calendar/overrides", [{"date": "2027-01-04", "workday": 0}], "admin"),
    ("PUT", "/calendar/overrides", [{"date": 0, "workday": False}], "admin"),
    ("POST", "/unit/tickets/OPEN-1/extension", {"requested_deadline": 1_900_000_000,
                                                "reason": "需协调"}, "unit-cgj"),
    ("POST", "/sync/push", {"client_id": "hostile-bool", "mutations": [
        {"mutation_id": True, "op": "ticket.note", "entity_id": "x", "args": {}}]}, "op01"),
], ids=["workday-0", "date-number", "deadline-number", "mutation-id-true"])
def test_values_of_another_type_are_refused_not_guessed_at(server, tokens, method, path, body,
                                                           who):
    reply = raw(server, method, path, json.dumps(body), tokens[who])
    assert reply.status_code == 422, reply.text


def test_a_unit_account_needs_a_unit_of_the_catalogue(server, tokens):
    body = {"username": "hostile-unit", "display_name": "无此单位", "role": "unit",
            "unit_code": "no-such-unit", "password": "a-long-password"}
    reply = raw(server, "POST", "/users", json.dumps(body), tokens["admin"])
    assert reply.status_code == 422 and "no-such-unit" in reply.text
    reply = raw(server, "POST", "/users", json.dumps({**body, "unit_code": "pds-csglj"}),
                tokens["admin"])
    assert reply.status_code == 201


def test_a_method_the_address_lacks_names_every_method_it_has(server, tokens):
    reply = requests.delete(f"{server.url}{API}/calendar/overrides", timeout=TIMEOUT,
                            headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert reply.status_code == 405
    assert reply.headers["Allow"] == "GET, PUT"


def test_the_document_lists_the_refusals_of_each_operation():
    paths = json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            role_checked = (method.upper(), path.removeprefix(API)) in ENDPOINT_ROLES
            assert {"400", "413", "422"} <= codes, (method, path)
            assert ({"401", "403"} <= codes) is role_checked, (method, path)
