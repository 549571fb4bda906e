"""TLS is verified by default: the real central API served over HTTPS on loopback with a
certificate from a private CA. Without that CA the client, the sign-in dialog and
`agent-app sync --once` refuse the server and say why; with `ca_bundle` naming the CA they
work. No code path may turn verification off."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import certifi
import pytest
import trustme

from agent_app.settings import Settings, save_settings
from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, Database, open_database
from agent_app.sync.client import CentralClient, ServerUnreachableError, SignedIn, TlsError
from agent_app.sync.credentials import TokenStore
from agent_app.sync.engine import SyncEngine
from agent_app.tasks import TaskRunner
from agent_app.ui.login.dialog import LoginDialog
from agent_app.ui.main_window import MainWindow
from central_api.embedded import EmbeddedServer, start_embedded
from tests.factories import make_ticket
from tests.os_keyring import ROOT, FileKeyring, child_env
from tests.ui.conftest import db, tasks  # noqa: F401 - fixtures of the sign-in dialog
from tests.ui.sign_in import sign_in_as_a_user, type_in
from tests.unit.test_credentials import MemoryKeyring

NOT_TRUSTED = "the server's certificate could not be verified"


@dataclass(frozen=True)
class Certificates:
    ca_bundle: Path  # the centre's own CA, which IT configures as ca_bundle
    other_ca: Path  # a CA that did not sign the server's certificate
    server_cert: Path
    server_key: Path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("pki")
    ca, other = trustme.CA(), trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    files = Certificates(folder / "centre-ca.pem", folder / "other-ca.pem",
                         folder / "server.pem", folder / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_bundle))
    other.cert_pem.write_to_path(str(files.other_ca))
    issued.private_key_pem.write_to_path(str(files.server_key))
    for n, blob in enumerate(issued.cert_chain_pems):
        blob.write_to_path(str(files.server_cert), append=n > 0)
    return files


@pytest.fixture(scope="module")
def https_server(certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[EmbeddedServer]:
    """The real central API under uvicorn, HTTPS only, on loopback."""
    path = tmp_path_factory.mktemp("central") / "central.db"
    server = start_embedded(f"sqlite:///{path}", seed_demo_users=True,
                            ssl_certfile=str(certificates.server_cert),
                            ssl_keyfile=str(certificates.server_key))
    assert server.url.startswith("https://127.0.0.1:")
    yield server
    server.stop()


@pytest.fixture(params=["no CA variables", "REQUESTS_CA_BUNDLE set", "CURL_CA_BUNDLE empty"])
def ca_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the PC's environment may say about CAs. Many Linux images set REQUESTS_CA_BUNDLE
    to the system store; an empty CURL_CA_BUNDLE once meant "do not verify" to requests."""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    if request.param == "REQUESTS_CA_BUNDLE set":
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    elif request.param == "CURL_CA_BUNDLE empty":
        monkeypatch.setenv("CURL_CA_BUNDLE", "")
    return request.param


def test_without_the_ca_the_client_refuses_the_server_and_says_why(https_server, ca_environment):
    waits: list[float] = []
    client = CentralClient(https_server.url, retries=3, sleep=waits.append)
    with pytest.raises(TlsError) as health:
        client.health()
    message = str(health.value)
    assert NOT_TRUSTED in message and "unable to get local issuer certificate" in message
    assert "ca_bundle" in message  # what IT has to set
    with pytest.raises(TlsError):
        client.login("op01", "demo")
    # Push and pull retry a network fault; a certificate fails the same way every time.
    with pytest.raises(TlsError):
        client.push("client-1", [])
    assert waits == []
    assert isinstance(health.value, ServerUnreachableError)  # the UI keeps working offline


def test_with_the_ca_bundle_sign_in_and_sync_work(https_server, certificates, ca_environment,
                                                  db: Database):  # noqa: F811
    client = CentralClient(https_server.url, ca_bundle=str(certificates.ca_bundle))
    assert client.health()["status"] == "ok"
    client.token = client.login("op01", "demo").token
    # One server for all; a ticket number has no spaces.
    ops.register_ticket(db, make_ticket(f"TLS-{ca_environment.replace(' ', '-')}"))
    report = SyncEngine(db, client).sync_once()
    assert report.pushed == 1 and report.rejected == []


def test_a_certificate_for_another_name_is_refused(https_server, certificates):
    # The certificate is for 127.0.0.1; "localhost" reaches the same server.
    url = https_server.url.replace("127.0.0.1", "localhost")
    with pytest.raises(TlsError, match="Hostname mismatch") as refused:
        CentralClient(url, ca_bundle=str(certificates.ca_bundle)).health()
    assert "the server address must be the name" in str(refused.value)


def test_a_bundle_of_another_ca_is_refused(https_server, certificates):
    with pytest.raises(TlsError) as refused:
        CentralClient(https_server.url, ca_bundle=str(certificates.other_ca)).health()
    assert NOT_TRUSTED in str(refused.value)
    assert f"the CA bundle {certificates.other_ca}" in str(refused.value)


@pytest.mark.parametrize("problem", ["missing", "not a certificate"])
def test_an_unusable_ca_bundle_is_named_not_a_traceback(https_server, tmp_path, problem):
    bundle = tmp_path / "centre-ca.pem"
    if problem == "not a certificate":
        bundle.write_text("this is not PEM\n", encoding="utf-8")
    with pytest.raises(TlsError) as refused:
        CentralClient(https_server.url, ca_bundle=str(bundle)).health()
    assert f"the CA bundle {bundle} (ca_bundle in the settings)" in str(refused.value)


def run_headless_sync(data_dir: Path, keyring_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(data_dir), "sync", "--once"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=child_env(keyring_file))


def test_headless_sync_refuses_an_untrusted_server_until_the_ca_bundle_is_set(
        https_server, certificates, tmp_path):
    data_dir, keyring_file = tmp_path / "data", tmp_path / "os-keyring.json"
    token = CentralClient(https_server.url, ca_bundle=str(certificates.ca_bundle)).login(
        "op01", "demo").token
    TokenStore(FileKeyring(keyring_file)).save(https_server.url, "op01", token)
    save_settings(data_dir, Settings(server_url=https_server.url, last_username="op01"))
    local = open_database(data_dir / DB_FILENAME)
    ops.register_ticket(local, make_ticket("TLS-CLI-1"))
    local.close()

    refused = run_headless_sync(data_dir, keyring_file)
    assert refused.returncode == 1, refused.stderr
    assert f"cannot trust the server {https_server.url}: {NOT_TRUSTED}" in refused.stderr
    assert "local changes are kept" in refused.stderr
    assert "Traceback" not in refused.stderr and "offline" not in refused.stderr

    save_settings(data_dir, Settings(server_url=https_server.url, last_username="op01",
                                     ca_bundle=str(certificates.ca_bundle)))
    synced = run_headless_sync(data_dir, keyring_file)
    assert synced.returncode == 0, synced.stderr
    assert "pushed 1" in synced.stdout


def test_the_sign_in_dialog_explains_an_untrusted_server(qtbot, tasks: TaskRunner,  # noqa: F811
                                                         https_server, certificates, tmp_path,
                                                         caplog):
    settings = Settings(server_url=https_server.url)
    keyring = MemoryKeyring()
    shown: list[str] = []

    def give_up_after_the_error(dialog: LoginDialog) -> None:
        type_in(dialog, https_server.url, "op01", "demo")
        dialog.submit()
        qtbot.waitUntil(dialog.server_error.isVisible, timeout=20_000)
        shown.append(dialog.server_error.text())
        dialog.reject()

    assert sign_in_as_a_user(tasks, settings, TokenStore(keyring), tmp_path,
                             give_up_after_the_error) is None
    assert keyring.items == {}
    (message,) = shown
    assert "could not be verified as genuine" in message and "ca_bundle" in message
    # The verifier's English is for IT, in the log; the desk reads our sentence only.
    assert NOT_TRUSTED not in message and NOT_TRUSTED in caplog.text

    settings.ca_bundle = str(certificates.ca_bundle)  # what IT configures

    def sign_in(dialog: LoginDialog) -> None:
        type_in(dialog, https_server.url, "op01", "demo")
        dialog.submit()

    session = sign_in_as_a_user(tasks, settings, TokenStore(keyring), tmp_path, sign_in)
    assert session is not None and not session.offline
    assert list(keyring.items.values()) == [session.token]


def test_the_main_window_says_why_it_cannot_sync(qtbot, tasks: TaskRunner,  # noqa: F811
                                                 https_server, certificates, caplog):
    """Signed in earlier; now the certificate does not verify (say the server's changed):
    the window shows offline, keeps the changes, and says what IT must look at."""
    login = CentralClient(https_server.url, ca_bundle=str(certificates.ca_bundle)).login(
        "op01", "demo")
    ops.register_ticket(tasks.db, make_ticket("TLS-WINDOW-1"))
    window = MainWindow(tasks, SignedIn(https_server.url, login.user, login.token),
                        CentralClient(https_server.url, token=login.token),
                        health_check_ms=60_000, sync_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "could not be verified as genuine" in
                    window.statusBar().currentMessage(), timeout=20_000)
    assert window.online is False and "ca_bundle" in window.statusBar().currentMessage()
    assert NOT_TRUSTED not in window.statusBar().currentMessage()
    assert NOT_TRUSTED in caplog.text  # what IT reads
    qtbot.waitUntil(lambda: window.unsent_label.text().endswith("1"), timeout=5000)
    window.close()


# Ways of switching certificate checks off in the libraries this code base uses.
DISABLED_VERIFICATION = re.compile(
    r"verify\s*=\s*(False|0|None)\b|\.verify\s*=\s*(False|0)\b|CERT_NONE|check_hostname\s*=\s*"
    r"False|_create_unverified_context|disable_warnings|InsecureRequestWarning|"
    r"PYTHONHTTPSVERIFY|trust_env\s*=")


def test_no_code_turns_certificate_verification_off():
    sources = [p for folder in ("agent_app", "central_api", "scripts", "benchmarks")
               for p in (ROOT / folder).rglob("*.py")] + [ROOT / "build.spec"]
    offending = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
                 for path in sources
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if DISABLED_VERIFICATION.search(line)]
    assert len(sources) > 50
    assert offending == []
