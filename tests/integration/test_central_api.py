"""The central API on a real loopback server, spoken to with requests."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from agent_app.core.enums import Role
from central_api.app import ALL_ROLES, API, DEMO_PASSWORD, ENDPOINT_ROLES
from central_api.embedded import start_embedded

TIMEOUT = 10
USER_OF_ROLE = {Role.OPERATOR: "op01", Role.LEAD: "lead01", Role.UNIT: "unit-cgj",
                Role.ADMIN: "admin"}
# A valid body for each endpoint that takes one, so allowed roles get past validation.
BODIES = {
    ("PUT", "/calendar/overrides"): [{"date": "2027-01-04", "workday": False, "note": "test"}],
    ("POST", "/users"): {"username": "matrix-user", "display_name": "矩阵", "role": "operator",
                         "password": "a-long-password"},
    ("POST", "/sync/push"): {"client_id": "matrix-client", "mutations": []},
    ("PUT", "/kb/articles/{article_id}"): {"title": "矩阵", "body": "正文", "unit": "市城市管理局"},
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").create_database()
    embedded = start_embedded(url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def call(server, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{server.url}{API}{path}", headers=headers,
                            timeout=TIMEOUT, **kwargs)


def login(server, username, password=DEMO_PASSWORD):
    return call(server, "POST", "/auth/login", json={"username": username, "password": password})


@pytest.fixture(scope="module")
def tokens(server):
    return {role: login(server, name).json()["token"] for role, name in USER_OF_ROLE.items()}


def test_health_needs_no_token_and_names_the_epoch(server):
    body = call(server, "GET", "/health").json()
    assert body["status"] == "ok" and body["server_epoch"]


def test_login_returns_a_token_and_the_user(server):
    reply = login(server, "op01")
    assert reply.status_code == 200
    body = reply.json()
    assert body["user"] == {"username": "op01", "display_name": "话务员一号",
                            "role": "operator", "unit_code": None}
    assert call(server, "GET", "/auth/me", body["token"]).json()["username"] == "op01"


def test_wrong_password_and_unknown_user_get_the_same_answer(server):
    wrong = login(server, "op01", "nope")
    unknown = login(server, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "invalid username or password"}
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_the_token(server):
    token = login(server, "op02").json()["token"]
    assert call(server, "POST", "/auth/logout", token).status_code == 204
    assert call(server, "GET", "/auth/me", token).status_code == 401


def test_expired_tokens_are_refused(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'c.db'}", seed_demo_users=True)
    try:
        embedded.server.config.app.state.token_ttl = timedelta(0)
        token = login(embedded, "op01").json()["token"]
        assert call(embedded, "GET", "/auth/me", token).status_code == 401
    finally:
        embedded.stop()


@pytest.mark.parametrize(("method", "path"), sorted(ENDPOINT_ROLES))
@pytest.mark.parametrize("role", [None, *Role])
def test_authorisation_matrix(server, tokens, method, path, role):
    body = BODIES.get((method, path))
    if (method, path) == ("POST", "/users") and role is not None:
        body = {**body, "username": f"matrix-{role}"}
    if (method, path) == ("POST", "/sync/push") and role is not None:
        body = {**body, "client_id": f"matrix-client-{role}"}  # one installation per user
    token = tokens[role] if role else None
    if (method, path) == ("POST", "/auth/logout") and role is not None:
        token = login(server, USER_OF_ROLE[role]).json()["token"]  # keep the shared ones valid
    reply = call(server, method, path, token,
                 **({"json": body} if body is not None else {}))
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
    assert reply.status_code == 413 and "too large" in reply.json()["detail"]


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
