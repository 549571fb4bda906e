"""Secrets at rest: after the real flows of a working day against a real central API on
loopback (sign-in through the app's dialog with one mistyped password, a sync from the main
window, `agent-app sync --once` in its own process, `agent-app diagnostics -o`, everything
logged to the rotating log file at DEBUG), every file the app left in its data folder and log
folder, and every entry of the diagnostics zip, is searched for the session token, the
passwords typed and the confidential caller: none may be there.

The one exception is the local database itself, which must hold the confidential caller (the
operator calls them back; see `callbacks`) but never the token or a password.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from agent_app.core.models import Caller
from agent_app.logging_setup import configure_logging
from agent_app.settings import SETTINGS_FILENAME, Settings, load_settings
from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.sync.client import CentralClient
from agent_app.sync.credentials import TokenStore
from agent_app.tasks import TaskRunner
from agent_app.ui.login.dialog import LoginDialog
from agent_app.ui.main_window import MainWindow
from central_api.embedded import start_embedded
from tests.clients import signed_in
from tests.factories import make_ticket
from tests.os_keyring import BACKEND, NO_KEYRING, ROOT, FileKeyring, child_env
from tests.ui.sign_in import sign_in_as_a_user, type_in
from tests.unit.test_logging_setup import restore_logging  # noqa: F401 - a fixture

# Distinctive values: a hit is never a coincidence.
RUN = uuid.uuid4().hex[:10]
USERNAME = f"op.{RUN}"
PASSWORD = f"Pw-{RUN}-口令"
WRONG_PASSWORD = f"Typo-{RUN}-口令"
CONFIDENTIAL = Caller(name="欧阳保密", phone="13987654321")


@dataclass(frozen=True)
class KeyringCase:
    name: str
    backend: KeyringBackend
    child_backend: str  # PYTHON_KEYRING_BACKEND of the `agent-app` children
    keyring_file: Path | None


@pytest.fixture(params=["OS keyring", "no keyring backend"])
def keyring_case(request: pytest.FixtureRequest, tmp_path: Path) -> KeyringCase:
    if request.param == "OS keyring":
        path = tmp_path / "os-keyring.json"  # outside the data folder, as the real one is
        return KeyringCase(request.param, FileKeyring(path), BACKEND, path)
    return KeyringCase(request.param, fail.Keyring(), NO_KEYRING, None)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A central API with one operator whose password is ours."""
    central = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    try:
        signed_in(central.url, "admin").post("/users", {
            "username": USERNAME, "display_name": "保密测试话务员", "role": "operator",
            "password": PASSWORD})
        yield central.url
    finally:
        central.stop()


def confidential_ticket(ticket_id: str) -> object:
    # Operators write call-back numbers into the text too; that is confidential as well.
    return replace(make_ticket(ticket_id, phone=CONFIDENTIAL.phone), caller=CONFIDENTIAL,
                   confidential=True,
                   content=f"请回电{CONFIDENTIAL.phone}，{CONFIDENTIAL.name}反映楼道灯不亮。")


def forms(text: str) -> set[bytes]:
    """How a string can sit in a file: UTF-8, UTF-16 (SQLite, Windows tools), JSON with
    \\u escapes, percent-encoded (URLs, query strings)."""
    return {text.encode(), text.encode("utf-16-le"), json.dumps(text)[1:-1].encode(),
            quote(text).encode(), quote_plus(text).encode()}


def found(blob: bytes, needles: dict[str, str]) -> list[str]:
    return sorted(name for name, text in needles.items()
                  if any(form in blob for form in forms(text)))


def run_cli(data_dir: Path, case: KeyringCase, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent_app", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env=child_env(case.keyring_file, case.child_backend))


def test_no_token_password_or_confidential_caller_in_any_file(
        qtbot, keyring_case: KeyringCase, server: str, tmp_path: Path,
        restore_logging: None) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    log_dir = data_dir / "logs"  # where `agent-app --data-dir DIR` logs, GUI and CLI alike
    configure_logging(logging.DEBUG, log_dir=log_dir)  # the most the app can ever write
    db = open_database(data_dir / DB_FILENAME)
    tasks = TaskRunner(db)
    try:
        # Sign-in as the app does it, with a typo first.
        def mistype_then_sign_in(dialog: LoginDialog) -> None:
            type_in(dialog, server, USERNAME, WRONG_PASSWORD)
            dialog.submit()
            qtbot.waitUntil(dialog.password_error.isVisible, timeout=20_000)
            type_in(dialog, server, USERNAME, PASSWORD)
            dialog.submit()

        tokens = TokenStore(keyring_case.backend)
        session = sign_in_as_a_user(tasks, load_settings(data_dir), tokens, data_dir,
                                    mistype_then_sign_in)
        assert session is not None and session.token
        token = session.token

        # A confidential call taken, then synced by the main window as it does after a save.
        ops.register_ticket(db, confidential_ticket("SEC-GUI"))
        window = MainWindow(tasks, session, CentralClient(server, token=token),
                            health_check_ms=60_000, sync_ms=60_000)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.last_report is not None, timeout=20_000)
        assert window.last_report is not None and window.last_report.pushed == 1
        window.close()
        ops.register_ticket(db, confidential_ticket("SEC-CLI"))  # for the headless sync
    finally:
        tasks.shutdown()
        db.close()

    # The scheduled headless sync, taking the token from the keyring (if there is one).
    headless = run_cli(data_dir, keyring_case, "sync", "--once")
    if keyring_case.keyring_file is not None:
        assert headless.returncode == 0 and "pushed 1" in headless.stdout, headless.stderr
    else:  # nothing on disk to take a token from: the user is asked to sign in
        assert headless.returncode == 2 and "no saved sign-in" in headless.stderr
    archive = tmp_path / "diagnostics.zip"
    exported = run_cli(data_dir, keyring_case, "diagnostics", "-o", str(archive))
    assert exported.returncode == 0, exported.stderr
    for handler in logging.getLogger().handlers:
        handler.flush()

    secrets = {"token": token, "password": PASSWORD, "mistyped password": WRONG_PASSWORD}
    caller = {"confidential name": CONFIDENTIAL.name, "confidential phone": CONFIDENTIAL.phone}
    hits: dict[str, list[str]] = {}
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    assert log_dir / "agent-app.log" in files and data_dir / SETTINGS_FILENAME in files
    for path in files:
        blob = path.read_bytes()
        if path.name.startswith(DB_FILENAME):
            # The cache holds the caller by design (callbacks); the sanity check below shows
            # the search would have seen them.
            hits[str(path.relative_to(data_dir))] = found(blob, secrets)
        else:
            hits[str(path.relative_to(data_dir))] = found(blob, secrets | caller)
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.namelist()
        for name in members:
            hits[f"diagnostics.zip:{name}"] = found(zipped.read(name), secrets | caller)
    for stream, text in (("sync stdout", headless.stdout), ("sync stderr", headless.stderr),
                         ("diagnostics stdout", exported.stdout)):
        hits[stream] = found(text.encode(), secrets | caller)
    assert {where: what for where, what in hits.items() if what} == {}

    # The scan is not blind: the log and the zip have the session's requests in them, and the
    # cache holds the caller it must.
    assert "/api/v1/sync/push" in (log_dir / "agent-app.log").read_text(encoding="utf-8")
    assert "logs/agent-app.log" in members and len(files) >= 4
    assert found((data_dir / DB_FILENAME).read_bytes() + b"".join(
        p.read_bytes() for p in data_dir.glob(f"{DB_FILENAME}-wal")), caller) == sorted(caller)

    # Settings hold who signed in, never a token.
    saved = json.loads((data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))
    assert set(saved) <= {f.name for f in fields(Settings)} | {"schema_version"}
    assert saved["last_username"] == USERNAME and saved["server_url"] == server
    # And the token is where it belongs: the keyring, or nowhere once the app has quit.
    fresh = TokenStore(keyring_case.backend)
    assert fresh.load(server, USERNAME) == (token if keyring_case.keyring_file else None)
    if keyring_case.keyring_file is not None:
        assert found(keyring_case.keyring_file.read_bytes(), secrets) == ["token"]
