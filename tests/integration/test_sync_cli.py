import subprocess
import sys

from agent_app.commands import sync as headless
from agent_app.settings import Settings, save_settings
from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.sync.client import CentralClient
from agent_app.sync.credentials import TokenStore
from central_api.embedded import start_embedded
from tests.factories import make_ticket
from tests.unit.test_credentials import MemoryKeyring


def test_sync_once_pushes_and_pulls_with_the_saved_sign_in(tmp_path, monkeypatch, capsys):
    server = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    try:
        data_dir = tmp_path / "client"
        save_settings(data_dir, Settings(server_url=server.url, last_username="op01"))
        keyring = MemoryKeyring()
        token = CentralClient(server.url).login("op01", "demo").token
        TokenStore(keyring).save(server.url, "op01", token)
        monkeypatch.setattr(headless, "TokenStore", lambda: TokenStore(keyring))
        db = open_database(data_dir / DB_FILENAME)
        ops.register_ticket(db, make_ticket("CLI-1"))
        db.close()

        assert headless.run_sync(data_dir, None, once=True) == 0
        out = capsys.readouterr().out
        assert "pushed 1" in out and "pulled 1" in out
    finally:
        server.stop()


def test_sync_without_a_saved_sign_in_says_so(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path),
         "--server", "http://127.0.0.1:9", "sync", "--once"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no saved sign-in" in result.stderr and "Traceback" not in result.stderr
