"""Export diagnostics: logs, version and settings in one zip, phones and tokens masked."""

import json
import subprocess
import sys
import zipfile

import pytest

from agent_app import __version__
from agent_app.diagnostics import export_diagnostics
from agent_app.logging_setup import LOG_FILENAME
from agent_app.settings import Settings, save_settings
from agent_app.storage.database import DB_FILENAME, head_revision, open_database


def test_the_zip_holds_version_settings_and_masked_logs(tmp_path, monkeypatch):
    system = tmp_path / "config.toml"
    system.write_text('server_url = "https://12345.city.example"\n', encoding="utf-8")
    monkeypatch.setenv("AGENT_APP_SYSTEM_CONFIG", str(system))
    data_dir, log_dir = tmp_path / "data", tmp_path / "logs"
    open_database(data_dir / DB_FILENAME).close()
    save_settings(data_dir, Settings(server_url="https://op:pw@12345.city.example",
                                     last_username="op01"))
    log_dir.mkdir()
    # Lines written before masking existed, or by a hand, must not leave the PC unmasked.
    (log_dir / LOG_FILENAME).write_text("caller 13812345678 Bearer abc.def\n", encoding="utf-8")
    (log_dir / f"{LOG_FILENAME}.1").write_text('{"password": "hunter2"}\n', encoding="utf-8")

    written = export_diagnostics(tmp_path / "out.zip", data_dir=data_dir, log_dir=log_dir)

    with zipfile.ZipFile(written) as archive:
        names = archive.namelist()
        about = json.loads(archive.read("about.json"))
        settings = json.loads(archive.read("settings.json"))
        logs = {name: archive.read(name).decode() for name in names if name.startswith("logs/")}
    assert names[:2] == ["about.json", "settings.json"]
    assert about["version"] == __version__
    assert about["database_revision"] == head_revision()
    assert about["system_config"] == str(system) and about["system_config_present"]
    assert settings["server_url"] == "https://***@12345.city.example"
    assert settings["last_username"] == "op01"
    assert list(logs) == [f"logs/{LOG_FILENAME}.1", f"logs/{LOG_FILENAME}"]
    everything = "".join(logs.values())
    assert "138****5678" in everything and "Bearer ***" in everything
    for secret in ("13812345678", "abc.def", "hunter2", "op:pw"):
        assert secret not in everything + json.dumps(settings)


def test_a_target_that_cannot_be_written_leaves_nothing_behind(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(OSError):
        export_diagnostics(blocked / "out.zip", data_dir=tmp_path / "data", log_dir=None)
    assert list(tmp_path.iterdir()) == [blocked]


def test_the_command_writes_the_zip_or_names_the_path_it_cannot_write(tmp_path):
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "agent_app", "--data-dir", str(data_dir), "diagnostics"]
    result = subprocess.run([*command, "-o", str(tmp_path / "diag.zip")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "diag.zip") as archive:
        # The command's own process logs into the data folder's logs, which the zip includes.
        assert f"logs/{LOG_FILENAME}" in archive.namelist()
        assert json.loads(archive.read("about.json"))["log_dir"] == str(data_dir / "logs")

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    result = subprocess.run([*command, "-o", str(blocked / "diag.zip")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot write {blocked / 'diag.zip'}" in result.stderr
    assert "Traceback" not in result.stderr
