"""The central API on a real loopback server, spoken to with requests."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from agent_app.core.creation import creation_steps
from agent_app.core.enums import Role
from agent_app.core.models import Caller
from central_api.app import ALL_ROLES, API, DEMO_PASSWORD, ENDPOINT_ROLES
from central_api.embedded import start_embedded
from central_api.models import User
from central_api.security import hash_password
from tests.factories import dispatched as dispatched_to
from tests.factories import make_ticket, recent_morning

# An extension asked for two months on: after any deadline the tickets here get.
LATER = (recent_morning() + timedelta(days=60)).isoformat()

TIMEOUT = 10
USER_OF_ROLE = {Role.OPERATOR: "op01", Role.LEAD: "lead01", Role.UNIT: "unit-cgj",
                Role.ADMIN: "admin"}
# A unit account of another unit than unit-cgj's (市城市管理局): same role, none of its tickets.
ANOTHER_UNIT = "unit-of-another-unit"
ANOTHER_UNIT_ACCOUNT = {"username": "unit-zjj", "display_name": "市住建局", "role": "unit",
                        "unit_code": "pds-zjj", "password": "another-unit-password"}
UNIT = "市城市管理局"
# A valid body for each endpoint that takes one, so allowed roles get past validation.
BODIES = {
    ("PUT", "/calendar/overrides"): [{"date": "2027-01-04", "workday": False, "note": "test"}],
    ("POST", "/users"): {"username": "matrix-user", "display_name": "矩阵", "role": "operator",
                         "password": "a-long-password"},
    ("POST", "/sync/push"): {"client_id": "matrix-client", "mutations": []},
    ("PUT", "/kb/articles/{article_id}"): {"title": "矩阵", "body": "正文", "unit": "市城市管理局"},
    ("PUT", "/users/{username}/password"): {"password": "matrix-password-1"},
    ("POST", "/auth/password"): {"old_password": DEMO_PASSWORD,
                                 "new_password": "matrix-password-1"},
    ("POST", "/unit/kb-drafts"): {"title": "矩阵", "body": "正文"},  # the unit's own
}
QUERIES = {("GET", "/kb/drafts/monthly"): {"month": "2026-11"}}


@pytest.fixture(scope="module")
def server(module_server_db_url):
    embedded = start_embedded(module_server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def call(server, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{server.url}{API}{path}", headers=headers,
                            timeout=TIMEOUT, **kwargs)


def login(server, username, password=DEMO_PASSWORD):
    return call(server, "POST", "/auth/login", json={"username": username, "password": password})


def login_as(server, role):
    if role == ANOTHER_UNIT:
        return login(server, ANOTHER_UNIT_ACCOUNT["username"], ANOTHER_UNIT_ACCOUNT["password"])
    return login(server, USER_OF_ROLE[role])


@pytest.fixture(scope="module")
def tokens(server):
    found = {role: login(server, name).json()["token"] for role, name in USER_OF_ROLE.items()}
    # Made the way IT makes unit accounts: through the admin endpoint.
    created = call(server, "POST", "/users", found[Role.ADMIN], json=ANOTHER_UNIT_ACCOUNT)
    assert created.status_code == 201, created.text
    found[ANOTHER_UNIT] = login_as(server, ANOTHER_UNIT).json()["token"]
    return found


def test_health_needs_no_token_and_names_the_epoch(server):
    body = call(server, "GET", "/health").json()
    assert body["status"] == "ok" and body["server_epoch"]


def test_login_returns_a_token_and_the_user(server):
    reply = login(server, "op01")
    assert reply.status_code == 200
    body = reply.json()
    assert body["user"] == {"username": "op01", "display_name": "话务员一号",
                            "role": "operator", "unit_code": None, "active": True}
    assert call(server, "GET", "/auth/me", body["token"]).json()["username"] == "op01"


def test_wrong_password_and_unknown_user_get_the_same_answer(server):
    wrong = login(server, "op01", "nope")
    unknown = login(server, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "用户名或密码错误。",
                                               "code": "wrong_login", "values": []}
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_the_token(server):
    token = login(server, "op02").json()["token"]
    assert call(server, "POST", "/auth/logout", token).status_code == 204
    assert call(server, "GET", "/auth/me", token).status_code == 401


def test_logout_revokes_every_token_of_the_user(server):
    """Found in issue 15: logout revoked the one token it was called with; a seat left
    signed in elsewhere (or a token copied off a shared PC) went on working."""
    here, elsewhere = (login(server, "op02").json()["token"] for _ in range(2))
    other_user = login(server, "lead01").json()["token"]
    assert call(server, "POST", "/auth/logout", here).status_code == 204
    assert call(server, "GET", "/auth/me", elsewhere).status_code == 401
    assert call(server, "GET", "/auth/me", other_user).status_code == 200


def test_expired_tokens_are_refused(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'c.db'}", seed_demo_users=True)
    try:
        embedded.server.config.app.state.token_ttl = timedelta(0)
        token = login(embedded, "op01").json()["token"]
        assert call(embedded, "GET", "/auth/me", token).status_code == 401
    finally:
        embedded.stop()


@pytest.mark.parametrize(("method", "path"), sorted(ENDPOINT_ROLES))
@pytest.mark.parametrize("role", [None, *Role, ANOTHER_UNIT])
def test_authorisation_matrix(server, tokens, method, path, role):
    body = BODIES.get((method, path))
    if (method, path) == ("POST", "/users") and role is not None:
        body = {**body, "username": f"matrix-{role}"}
    if (method, path) == ("POST", "/sync/push") and role is not None:
        body = {**body, "client_id": f"matrix-client-{role}"}  # one installation per user
    if (method, path) == ("POST", "/auth/password") and role == ANOTHER_UNIT:
        body = {**body, "old_password": ANOTHER_UNIT_ACCOUNT["password"]}
    token = tokens[role] if role else None
    if (method, path) == ("POST", "/auth/logout") and role is not None:
        token = login_as(server, role).json()["token"]  # keep the shared ones valid
    reply = call(server, method, path, token, params=QUERIES.get((method, path)),
                 **({"json": body} if body is not None else {}))
    if (method, path) == ("POST", "/auth/logout") and role is not None:
        tokens[role] = login_as(server, role).json()["token"]  # logout ended them all
    if (method, path) == ("POST", "/auth/password") and reply.status_code == 204:
        restore_password(server, USER_OF_ROLE.get(role) or ANOTHER_UNIT_ACCOUNT["username"],
                         ANOTHER_UNIT_ACCOUNT["password"] if role == ANOTHER_UNIT
                         else DEMO_PASSWORD)
    # Which tickets and articles a unit may touch is the endpoints' business (tests below);
    # by role, the other unit's account may do what any unit account may.
    role = Role.UNIT if role == ANOTHER_UNIT else role
    if role is None:
        assert reply.status_code == 401
    elif role in ENDPOINT_ROLES[(method, path)]:
        # Allowed through authorisation; endpoints about one ticket or article may then say
        # 404/409/422 about the placeholder id, which their own tests cover.
        assert reply.status_code not in (401, 403), reply.text
        if "{" not in path:
            assert reply.status_code < 300, reply.text
    else:
        assert reply.status_code == 403


def restore_password(server, username, password):
    """Back to the shared password, past the policy (the demo's 'demo' is too short for it)."""
    with server.server.config.app.state.sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        user.password_hash = hash_password(password)
        session.commit()


def test_every_route_but_health_and_login_is_in_the_role_table(server):
    paths = server.server.config.app.openapi()["paths"]
    routes = {(method.upper(), path.removeprefix(API))
              for path, operations in paths.items() for method in operations}
    assert routes - set(ENDPOINT_ROLES) == {("GET", "/health"), ("POST", "/auth/login")}
    assert set(ENDPOINT_ROLES) <= routes
    assert all(roles <= ALL_ROLES and roles for roles in ENDPOINT_ROLES.values())


def test_duplicate_user_is_a_conflict(server, tokens):
    body = {"username": "dup-user", "display_name": "重复", "role": "lead",
            "password": "a-long-password"}
    assert call(server, "POST", "/users", tokens[Role.ADMIN], json=body).status_code == 201
    assert call(server, "POST", "/users", tokens[Role.ADMIN], json=body).status_code == 409
    assert login(server, "dup-user", "a-long-password").status_code == 200


@pytest.mark.parametrize("body", [
    b"{not json", b'{"username": "op01"}', b'{"username": "op01", "password": "x", "extra": 1}',
    b'{"username": "", "password": "x"}', "{\"username\": \"\u5f20\", \"password\": 5}".encode(),
])
def test_malformed_login_bodies_are_422_not_500(server, body):
    reply = requests.post(f"{server.url}{API}/auth/login", data=body, timeout=TIMEOUT,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 422


def test_oversized_bodies_are_refused_with_413(server):
    big = json.dumps({"username": "x" * (2 * 1024 * 1024), "password": "y"})
    reply = requests.post(f"{server.url}{API}/auth/login", data=big, timeout=TIMEOUT,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 413 and reply.json()["code"] == "too_large"
    assert "1 MiB" in reply.json()["detail"]


def test_catalogues_and_policy_are_served(server, tokens):
    catalogues = call(server, "GET", "/catalogues", tokens[Role.OPERATOR]).json()
    assert {"appeal_types", "channels", "categories", "units", "locations"} <= set(catalogues)
    policy = call(server, "GET", "/deadline-policy", tokens[Role.OPERATOR]).json()
    assert policy["rules"]


def test_the_epoch_survives_restarts_of_the_same_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    first = start_embedded(url)
    epoch = call(first, "GET", "/health").json()["server_epoch"]
    first.stop()
    second = start_embedded(url)
    try:
        assert call(second, "GET", "/health").json()["server_epoch"] == epoch
    finally:
        second.stop()
    other = start_embedded(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert call(other, "GET", "/health").json()["server_epoch"] != epoch
    finally:
        other.stop()


def push(server, token, client_id, mutations):
    numbered = [{"mutation_id": n, **m} for n, m in enumerate(mutations, start=1)]
    reply = call(server, "POST", "/sync/push", token,
                 json={"client_id": client_id, "mutations": numbered})
    assert reply.status_code == 200, reply.text
    assert all(ack["status"] == "applied" for ack in reply.json()["acks"]), reply.text
    return reply.json()


def dispatched(ticket_id, *, confidential=False, name="张先生", phone="13800000000",
               content="校门口路灯不亮。") -> list[dict]:
    """The mutations of a call dispatched on the line: its facts, then the dispatch."""
    ticket = replace(make_ticket(ticket_id, phone=phone), confidential=confidential,
                     content=content, caller=Caller(name=name, phone=phone))
    facts, commands = creation_steps(dispatched_to(ticket, UNIT))
    return [{"op": "ticket.create", "entity_id": ticket_id, "args": facts.to_dict()},
            *({"op": "ticket.action", "entity_id": ticket_id, "args": c.to_dict()}
              for c in commands)]


def as_text(reply):
    # Parsed and written out again: the wire form may escape Chinese as \uXXXX.
    return json.dumps(reply.json(), ensure_ascii=False)


def test_a_unit_never_sees_or_acts_on_another_units_tickets(server, tokens):
    push(server, tokens[Role.OPERATOR], "matrix-units",
         [*dispatched("OWN-1"), *dispatched("OWN-2")])
    mine = [t["id"] for t in call(server, "GET", "/unit/tickets", tokens[Role.UNIT]).json()]
    theirs = call(server, "GET", "/unit/tickets", tokens[ANOTHER_UNIT])
    assert {"OWN-1", "OWN-2"} <= set(mine)
    assert theirs.status_code == 200 and theirs.json() == []

    before = call(server, "GET", "/tickets/OWN-1", tokens[Role.OPERATOR]).json()
    unknown = call(server, "POST", "/unit/tickets/NO-SUCH/accept", tokens[ANOTHER_UNIT])
    for action, body in (("accept", None), ("reply", {"text": "已处理完毕，告知来电人。"}),
                         ("return", {"reason": "不属于本单位"}),
                         ("extension", {"requested_deadline": LATER,
                                        "reason": "需要协调"})):
        reply = call(server, "POST", f"/unit/tickets/OWN-1/{action}", tokens[ANOTHER_UNIT],
                     **({"json": body} if body else {}))
        # The same answer as for a ticket that does not exist: not even its existence leaks.
        assert reply.status_code == unknown.status_code == 404
        assert reply.json() == {"detail": "没有工单 OWN-1。", "code": "no_ticket",
                                "values": ["OWN-1"]}
    assert call(server, "GET", "/tickets/OWN-1", tokens[Role.OPERATOR]).json() == before
    assert call(server, "POST", "/unit/tickets/OWN-1/accept",
                tokens[Role.UNIT]).json()["status"] == "accepted"


def test_a_unit_never_edits_deletes_or_reads_feedback_of_another_units_articles(server, tokens):
    article = {"title": "路灯报修", "body": "路灯不亮请拨打城管热线。"}
    assert call(server, "PUT", "/kb/articles/MATRIX-KB-1", tokens[Role.UNIT],
                json=article).json()["unit"] == UNIT
    push(server, tokens[Role.OPERATOR], "matrix-feedback", [{
        "op": "kb.feedback", "entity_id": "MATRIX-KB-1",
        "args": {"article_id": "MATRIX-KB-1", "text": "热线号码已变更"}}])
    overwrite = call(server, "PUT", "/kb/articles/MATRIX-KB-1", tokens[ANOTHER_UNIT],
                     json={**article, "title": "改了别人的"})
    assert overwrite.status_code == 409
    assert call(server, "DELETE", "/kb/articles/MATRIX-KB-1",
                tokens[ANOTHER_UNIT]).status_code == 404
    theirs = call(server, "GET", "/unit/kb-feedback", tokens[ANOTHER_UNIT]).json()
    mine = call(server, "GET", "/unit/kb-feedback", tokens[Role.UNIT]).json()
    assert "MATRIX-KB-1" not in {f["article_id"] for f in theirs}
    assert "MATRIX-KB-1" in {f["article_id"] for f in mine}
    kept = call(server, "GET", "/kb/articles", tokens[Role.OPERATOR]).json()["changes"]
    assert [c["article"]["title"] for c in kept if c["id"] == "MATRIX-KB-1"] == ["路灯报修"]


def test_a_confidential_callers_identity_never_reaches_a_unit(server, tokens):
    name, phone = "欧阳娜娜", "0375-2345678"
    # The operator also wrote the number into the text and a note, as happens on a busy line.
    push(server, tokens[Role.OPERATOR], "matrix-confidential", [
        *dispatched("SECRET-1", confidential=True, name=name, phone=phone,
                   content=f"{name}反映小区路灯不亮，请回电{phone}或03752345678。"),
        {"op": "ticket.note", "entity_id": "SECRET-1", "args": {"event": {
            "id": "0b9a4f8e-5a52-4d1e-9a3c-7a1d3c2b1a00",
            "at": (recent_morning() + timedelta(minutes=5)).isoformat(),
            "kind": "note", "text": f"{name}再次来电，号码{phone}"}}},
        *dispatched("OPEN-CALLER-1", name="李女士", phone="13911112222")])
    secrets = (name, phone, "03752345678")

    def reaches_unit(reply):
        assert reply.status_code == 200, reply.text
        text = as_text(reply)
        return [secret for secret in secrets if secret in text]

    listed = call(server, "GET", "/unit/tickets", tokens[Role.UNIT])
    assert reaches_unit(listed) == []
    [shown] = [t for t in listed.json() if t["id"] == "SECRET-1"]
    assert shown["confidential"] is True and shown["caller"]["name"] == ""
    assert shown["content"].startswith("***反映小区路灯不亮")
    # Units call ordinary callers back: those keep their number.
    [open_caller] = [t for t in listed.json() if t["id"] == "OPEN-CALLER-1"]
    assert open_caller["caller"]["phone"] == "13911112222"

    for action, body in (("accept", None),
                         ("extension", {"requested_deadline": LATER,
                                        "reason": "需要协调"}),
                         ("reply", {"text": "已修复路灯，已电话告知。"})):
        reply = call(server, "POST", f"/unit/tickets/SECRET-1/{action}", tokens[Role.UNIT],
                     **({"json": body} if body else {}))
        assert reaches_unit(reply) == [], action
    # The hotline's own staff still see who called.
    full = as_text(call(server, "GET", "/tickets/SECRET-1", tokens[Role.LEAD]))
    assert all(secret in full for secret in secrets)
