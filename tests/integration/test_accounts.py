"""Accounts as IT runs them (issue 15, item 7): `agent-api users …` on the server's database,
the account endpoints the desktop app's 用户管理 screen and change-password form use, and the
sign-in lockout (item 4). Against a real central API on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from central_api import cli
from central_api.app import API
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.limits import Lockout, ServerLimits, TokenBucket

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10
ADMIN_PASSWORD = "Admin-pass-2026"
CHINESE = range(0x4E00, 0xA000)


def agent_api(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real command line in a subprocess, as IT's shell runs it."""
    return subprocess.run([sys.executable, "-m", "central_api.cli", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          timeout=120)


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str,
            stdin: str = "") -> tuple[int, str, str]:
    """The same, in this process (quicker, for the many calls)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def has_chinese(text: str) -> bool:
    return any(ord(c) in CHINESE for c in text)


def call(url: str, method: str, path: str, token: str | None = None,
         **kwargs: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{url}{API}{path}", headers=headers, timeout=TIMEOUT,
                            **kwargs)  # type: ignore[arg-type]


def login(url: str, username: str, password: str) -> requests.Response:
    return call(url, "POST", "/auth/login", json={"username": username, "password": password})


def token_of(url: str, username: str, password: str) -> str:
    reply = login(url, username, password)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["token"])


@pytest.fixture
def fresh(server_db_url: str) -> Iterator[tuple[str, EmbeddedServer]]:
    """A production-like server: no demo users, its first admin added with the CLI."""
    server = start_embedded(server_db_url)
    yield server_db_url, server
    server.stop()


def add_admin(db_url: str) -> None:
    """In this process; test_a_fresh_server_has_no_users… runs the real command once."""
    stdin = sys.stdin
    sys.stdin = io.StringIO(ADMIN_PASSWORD + "\n")
    try:
        assert cli.main(["users", "add", "it-admin", "--role", "admin", "--display-name",
                         "信息科", "--password-stdin", "--db", db_url]) == 0
    finally:
        sys.stdin = stdin


def test_the_first_admin_is_added_by_the_real_command_line(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    result = agent_api("users", "add", "it-admin", "--role", "admin", "--display-name", "信息科",
                       "--password-stdin", "--db", db_url, stdin=ADMIN_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added it-admin (admin)\n"
    listed = agent_api("users", "list", "--db", db_url)
    assert listed.returncode == 0 and listed.stdout.startswith("it-admin\tadmin\t-\tactive")


# A fresh server, the first admin ---------------------------------------------------------
def test_a_fresh_server_has_no_users_until_it_adds_the_first_admin(fresh):
    db_url, server = fresh
    for username in ("admin", "op01", "lead01"):
        assert login(server.url, username, "demo").status_code == 401
    add_admin(db_url)
    reply = login(server.url, "it-admin", ADMIN_PASSWORD)
    assert reply.status_code == 200
    assert reply.json()["user"] == {"username": "it-admin", "display_name": "信息科",
                                    "role": "admin", "unit_code": None, "active": True}


def test_serve_creates_demo_users_only_when_asked(tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr("uvicorn.run", lambda app, **_kwargs: served.append(app))
    for flags, expected in (([], set()), (["--demo-users"], {"admin", "op01", "op02",
                                                            "lead01", "unit-cgj"})):
        url = f"sqlite:///{tmp_path / f'served{len(served)}.db'}"
        assert cli.main(["serve", "--db", url, *flags]) == 0
        from sqlalchemy import select

        from central_api.models import User

        with served[-1].state.sessions() as session:
            assert set(session.scalars(select(User.username))) == expected
        served[-1].state.engine.dispose()


# The command line ------------------------------------------------------------------------
def test_users_commands_change_what_the_running_server_allows(fresh, monkeypatch, capsys):
    db_url, server = fresh
    add_admin(db_url)

    def users(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, "users", *args, "--db", db_url, stdin=stdin)

    assert users("add", "zhang.san", "--role", "operator", "--display-name", "张三",
                 "--password-stdin", stdin="Zhang-pass-01\n")[0] == 0
    assert users("add", "cg-unit", "--role", "unit", "--unit", "pds-csglj",
                 "--password-stdin", stdin="Unit-pass-001\n")[0] == 0
    code, out, _ = users("list")
    assert code == 0
    lines = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()}
    assert lines["zhang.san"] == ["zhang.san", "operator", "-", "active", "张三"]
    assert lines["cg-unit"][:4] == ["cg-unit", "unit", "pds-csglj", "active"]

    first = token_of(server.url, "zhang.san", "Zhang-pass-01")
    assert users("passwd", "zhang.san", "--password-stdin", stdin="Zhang-pass-02\n")[0] == 0
    assert call(server.url, "GET", "/auth/me", first).status_code == 401  # sessions ended
    assert login(server.url, "zhang.san", "Zhang-pass-01").status_code == 401
    second = token_of(server.url, "zhang.san", "Zhang-pass-02")

    assert users("disable", "zhang.san")[0] == 0
    assert call(server.url, "GET", "/auth/me", second).status_code == 401
    assert login(server.url, "zhang.san", "Zhang-pass-02").status_code == 401
    assert "disabled" in users("list")[1]
    assert users("enable", "zhang.san")[0] == 0
    third = token_of(server.url, "zhang.san", "Zhang-pass-02")

    assert users("revoke-sessions", "zhang.san")[1].startswith("zhang.san: 1 session")
    assert call(server.url, "GET", "/auth/me", third).status_code == 401


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (["add", "li", "--role", "operator", "--password-stdin"], "short\n", "至少需要 10 个字符"),
    (["add", "li", "--role", "operator", "--password-stdin"], "li-password-1\n", "不能包含用户名"),
    (["add", "li", "--role", "operator", "--password-stdin"], "aaaaaaaaaaaa\n", "两类字符"),
    (["add", "li", "--role", "operator", "--password-stdin"], "", "no password"),
    (["add", "li", "--role", "operator"], "Li-password-1\n", "--password-stdin"),
    (["add", "li", "--role", "unit", "--password-stdin"], "Li-password-1\n", "单位编码"),
    (["add", "li", "--role", "unit", "--unit", "nowhere", "--password-stdin"],
     "Li-password-1\n", "单位编码"),
    (["add", "li", "--role", "lead", "--unit", "pds-csglj", "--password-stdin"],
     "Li-password-1\n", "只有承办单位"),
    (["add", "李四", "--role", "operator", "--password-stdin"], "Li-password-1\n", "用户名"),
    (["add", "it-admin", "--role", "operator", "--password-stdin"], "Li-password-1\n",
     "已存在"),
    (["passwd", "nobody", "--password-stdin"], "Li-password-1\n", "没有用户 nobody"),
    (["disable", "nobody"], "", "没有用户 nobody"),
    (["enable", "nobody"], "", "没有用户 nobody"),
    (["revoke-sessions", "nobody"], "", "没有用户 nobody"),
])
def test_refused_commands_say_why_in_one_line_with_exit_code_1(tmp_path, monkeypatch, capsys,
                                                               args, stdin, says):
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    add_admin(db_url)
    capsys.readouterr()
    code, out, err = run_cli(monkeypatch, capsys, "users", *args, "--db", db_url, stdin=stdin)
    assert code == 1
    assert says in err and err.startswith("agent-api: ") and err.count("\n") == 1
    assert out == ""


def test_a_database_that_cannot_be_used_is_exit_code_2_without_a_traceback(tmp_path):
    missing = f"sqlite:///{tmp_path / 'no-such-folder' / 'central.db'}"
    for args in (["users", "list"], ["users", "disable", "x"], ["audit", "--user", "x"]):
        result = agent_api(*args, "--db", missing)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "cannot use database" in result.stderr


# The endpoints ---------------------------------------------------------------------------
@pytest.fixture
def admin_server(fresh) -> Iterator[tuple[EmbeddedServer, str]]:
    db_url, server = fresh
    add_admin(db_url)
    yield server, token_of(server.url, "it-admin", ADMIN_PASSWORD)


def new_user(url: str, admin: str, username: str, password: str,
             role: str = "operator") -> requests.Response:
    return call(url, "POST", "/users", admin, json={"username": username, "display_name": "王五",
                                                     "role": role, "password": password})


def test_creating_a_user_applies_the_policy_in_chinese(admin_server):
    server, admin = admin_server
    for password, says in (("short", "至少需要 10 个字符"), ("wangwu-1234", "不能包含用户名"),
                           ("1234567890", "两类字符")):
        reply = new_user(server.url, admin, "wangwu", password)
        assert reply.status_code == 422
        assert says in reply.json()["detail"] and has_chinese(reply.json()["detail"])
    assert new_user(server.url, admin, "wangwu", "Wang-pass-01").status_code == 201
    listed = {u["username"]: u for u in call(server.url, "GET", "/users", admin).json()}
    assert listed["wangwu"]["active"] is True


def test_disable_enable_and_reset_by_an_admin(admin_server):
    server, admin = admin_server
    assert new_user(server.url, admin, "wangwu", "Wang-pass-01").status_code == 201
    signed_in = token_of(server.url, "wangwu", "Wang-pass-01")
    assert call(server.url, "POST", "/users/wangwu/disable", admin).status_code == 204
    assert call(server.url, "GET", "/auth/me", signed_in).status_code == 401
    assert login(server.url, "wangwu", "Wang-pass-01").status_code == 401
    listed = {u["username"]: u for u in call(server.url, "GET", "/users", admin).json()}
    assert listed["wangwu"]["active"] is False
    assert call(server.url, "POST", "/users/wangwu/enable", admin).status_code == 204
    signed_in = token_of(server.url, "wangwu", "Wang-pass-01")

    weak = call(server.url, "PUT", "/users/wangwu/password", admin, json={"password": "abc"})
    assert weak.status_code == 422 and has_chinese(weak.json()["detail"])
    reset = call(server.url, "PUT", "/users/wangwu/password", admin,
                 json={"password": "Wang-pass-02"})
    assert reset.status_code == 204
    assert call(server.url, "GET", "/auth/me", signed_in).status_code == 401
    assert login(server.url, "wangwu", "Wang-pass-02").status_code == 200
    for path in ("/users/nobody/disable", "/users/nobody/enable"):
        assert call(server.url, "POST", path, admin).status_code == 404
    assert call(server.url, "PUT", "/users/nobody/password", admin,
                json={"password": "Wang-pass-02"}).status_code == 404


def test_an_admin_cannot_disable_themself(admin_server):
    server, admin = admin_server
    reply = call(server.url, "POST", "/users/it-admin/disable", admin)
    assert reply.status_code == 409 and has_chinese(reply.json()["detail"])
    assert call(server.url, "GET", "/auth/me", admin).status_code == 200


def test_changing_ones_own_password(admin_server):
    server, admin = admin_server
    assert new_user(server.url, admin, "wangwu", "Wang-pass-01").status_code == 201
    here = token_of(server.url, "wangwu", "Wang-pass-01")
    elsewhere = token_of(server.url, "wangwu", "Wang-pass-01")

    def change(old: str, new: str) -> requests.Response:
        return call(server.url, "POST", "/auth/password", here,
                    json={"old_password": old, "new_password": new})

    wrong = change("not-my-password", "Wang-pass-03")
    assert wrong.status_code == 403 and has_chinese(wrong.json()["detail"])
    weak = change("Wang-pass-01", "wangwu-pass-3")
    assert weak.status_code == 422 and "不能包含用户名" in weak.json()["detail"]
    assert change("Wang-pass-01", "Wang-pass-03").status_code == 204
    assert call(server.url, "GET", "/auth/me", here).status_code == 200  # stays signed in
    assert call(server.url, "GET", "/auth/me", elsewhere).status_code == 401
    assert login(server.url, "wangwu", "Wang-pass-01").status_code == 401
    assert login(server.url, "wangwu", "Wang-pass-03").status_code == 200


def test_guessing_the_old_password_with_a_stolen_token_is_locked_out(admin_server):
    server, admin = admin_server
    answers = [call(server.url, "POST", "/auth/password", admin,
                    json={"old_password": f"guess-{n}", "new_password": "Admin-pass-2027"}
                    ).status_code for n in range(7)]
    assert answers[:4] == [403] * 4 and answers[5:] == [429, 429]
    assert login(server.url, "it-admin", ADMIN_PASSWORD).status_code == 200  # sign-in is not


# Sign-in lockout -------------------------------------------------------------------------
def test_wrong_passwords_lock_the_account_out_with_retry_after(admin_server):
    server, _admin = admin_server
    answers = [login(server.url, "it-admin", f"guess-{n}") for n in range(6)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    locked = answers[5]
    assert locked.status_code == 429
    assert 25 <= int(locked.headers["Retry-After"]) <= 30
    assert has_chinese(locked.json()["detail"]) and locked.headers["Retry-After"] in \
        locked.json()["detail"]
    # Locked means locked: the right password too waits (else guessing simply went on).
    assert login(server.url, "it-admin", ADMIN_PASSWORD).status_code == 429
    # Another account from the same seat is not locked by this one's failures.
    assert login(server.url, "op01", "demo").status_code == 401


def test_an_address_trying_many_accounts_is_locked_out(server_db_url):
    limits = ServerLimits(address=Lockout(threshold=8))
    server = start_embedded(server_db_url, seed_demo_users=True, server_limits=limits)
    try:
        answers = [login(server.url, f"made-up-{n}", "guess").status_code for n in range(9)]
        assert answers == [401] * 8 + [429]
        assert login(server.url, "op01", "demo").status_code == 429
    finally:
        server.stop()


def test_a_user_pushing_too_fast_gets_429_with_retry_after(server_db_url):
    limits = ServerLimits(push=TokenBucket(rate=0.5, burst=3))
    server = start_embedded(server_db_url, seed_demo_users=True, server_limits=limits)
    try:
        op01, op02 = (token_of(server.url, name, "demo") for name in ("op01", "op02"))
        body = {"client_id": "rate-limited-client", "mutations": []}
        answers = [call(server.url, "POST", "/sync/push", op01, json=body) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert int(answers[3].headers["Retry-After"]) == 2
        assert has_chinese(answers[3].json()["detail"])
        other = call(server.url, "POST", "/sync/push", op02,
                     json={"client_id": "another-client", "mutations": []})
        assert other.status_code == 200  # per user
    finally:
        server.stop()
