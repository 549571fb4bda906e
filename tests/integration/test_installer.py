"""Installer smoke test: `scripts/build-installer` builds the PyInstaller bundle and the .deb;
the frozen app passes its selfcheck, migrates a database of an earlier release, starts its GUI
with the embedded demo server and shows it; the .deb unpacked into a throwaway root runs too.

It takes a few minutes, so it runs in CI (CI set) and wherever SKIP_INSTALLER_TESTS is not.
PyInstaller's work folder is kept in the user's cache between runs (BUILD_WORK_DIR moves it).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import pytest

from agent_app.storage.database import DB_FILENAME, head_revision, open_database

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = "https://12345.city.example"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("SKIP_INSTALLER_TESTS")) and not os.environ.get("CI"),
                       reason="SKIP_INSTALLER_TESTS is set"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux package"),
]


@dataclass(frozen=True)
class Built:
    bundle: Path
    deb: Path
    seconds: float
    # Built for the bundled Qt: build-installer says which, and goes without it (with a
    # warning) only when Debian ships no Qt headers of that version.
    fcitx_plugin: bool


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    missing = [tool for tool in ("objdump", "dpkg-deb", "ldconfig") if not shutil.which(tool)]
    if missing:
        message = f"the installer build needs {', '.join(missing)} (binutils, dpkg)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("installer")
    work = os.environ.get("BUILD_WORK_DIR") or platformdirs.user_cache_dir("hotline-agent-build")
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-installer"), "--out", str(out), "--fast",
         "--server-url", SERVER_URL],
        env={**os.environ, "PYTHON": sys.executable, "BUILD_WORK_DIR": work},
        capture_output=True, text=True, timeout=45 * 60)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    [deb] = out.glob("hotline-agent_*.deb")
    plugin = "fcitx plugin for Qt " in result.stdout
    assert plugin != ("WARNING: the bundle goes without the fcitx plugin" in result.stderr), (
        result.stdout[-3000:] + result.stderr[-3000:])
    return Built(out / "hotline-agent", deb, time.monotonic() - started, plugin)


def frozen(executable: Path, *args: str, timeout: float = 120,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), *args], capture_output=True, text=True,
                          timeout=timeout,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})})


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def test_the_bundle_holds_what_the_app_loads_and_nothing_for_development(built, capsys):
    internal = built.bundle / "_internal"
    for needed in ("resources/translations/agent_app_zh_CN.qm",
                   "resources/catalogues/categories.json", "resources/kb/demo_articles.jsonl",
                   "resources/icons/hotline-agent.svg", "resources/icons/hotline-agent-48.png",
                   "migrations/env.py", "central_api/migrations/env.py",
                   "PySide6/Qt/plugins/platforms/libqxcb.so",
                   # Chinese input: ibus, and fcitx 5 through it (agent_app/input_method.py).
                   "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
                   "PySide6/Qt/translations/qtbase_zh_CN.qm"):
        assert (internal / needed).is_file(), needed
    # fcitx 4 (and fcitx 5 natively): the plugin built for exactly this Qt.
    fcitx = internal / "PySide6/Qt/plugins/platforminputcontexts"
    assert fcitx.joinpath("libfcitxplatforminputcontextplugin-qt6.so").is_file() == (
        built.fcitx_plugin)
    migrations = {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert {p.name for p in (internal / "migrations" / "versions").glob("*.py")} == migrations
    for unwanted in ("pytest", "_pytest", "hypothesis", "schemathesis", "PyInstaller", "ruff",
                     "PySide6/QtQml.abi3.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
                     "PySide6/Qt/translations/qtbase_de.qm"):
        assert not (internal / unwanted).exists(), unwanted
    size = folder_size(built.bundle)
    with capsys.disabled():
        print(f"\ninstaller build {built.seconds:.0f} s; bundle {size / 2**20:.0f} MB unpacked "
              f"(target ≤ 150 MB); .deb {built.deb.stat().st_size / 2**20:.0f} MB; fcitx "
              f"plugin {'bundled' if built.fcitx_plugin else 'NOT bundled (no Qt headers)'}")


def test_the_frozen_selfcheck_migrates_a_database_of_an_earlier_release(built, tmp_path):
    first = sorted((ROOT / "migrations" / "versions").glob("0001_*.py"))[0].name[:4]
    db = open_database(tmp_path / DB_FILENAME, migrate_to=first)
    db.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('kept-by-upgrade', 'yes')")
    conn.close()

    result = frozen(built.bundle / "agent-app", "--data-dir", str(tmp_path), "selfcheck")

    assert result.returncode == 0, result.stderr
    assert f"revision {head_revision()}" in result.stdout
    assert "qt: ok" in result.stdout and "fonts: ok" in result.stdout
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'kept-by-upgrade'").fetchone()
    conn.close()


def test_the_frozen_gui_starts_the_demo_and_shows_its_window(built, tmp_path):
    shot = tmp_path / "frozen-demo.png"
    result = frozen(built.bundle / "agent-app", "--data-dir", str(tmp_path / "data"), "--demo",
                    "--screenshot", str(shot), "--quit-after-ms", "6000", timeout=180)
    assert result.returncode == 0, result.stderr
    assert f"screenshot saved to {shot}" in result.stdout
    assert shot.stat().st_size > 20_000  # a whole window, not an empty frame
    keep = ROOT / "artifacts"
    if keep.is_dir():  # for a person to look at: Chinese must render, not boxes
        shutil.copyfile(shot, keep / shot.name)


def test_the_package_unpacked_runs_and_is_set_up_for_the_desktop(built, tmp_path):
    info = subprocess.run(["dpkg-deb", "--info", str(built.deb)], capture_output=True,
                          text=True, check=True).stdout
    depends = next(line for line in info.splitlines() if line.strip().startswith("Depends:"))
    for package in ("fonts-noto-cjk", "libxcb-cursor0", "libegl1", "libxkbcommon-x11-0"):
        assert package in depends
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(built.deb), str(root)], check=True)
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(built.deb), str(control)], check=True)
    assert (control / "conffiles").read_text().split() == ["/etc/agent-app/config.toml"]

    desktop = (root / "usr/share/applications/hotline-agent.desktop").read_text("utf-8")
    assert "Name=12345热线坐席" in desktop and "Icon=hotline-agent" in desktop
    assert (root / "usr/share/icons/hicolor/256x256/apps/hotline-agent.png").is_file()
    config = root / "etc/agent-app/config.toml"
    assert tomllib.loads(config.read_text("utf-8")) == {"server_url": SERVER_URL}

    install_dir = root / "opt" / "hotline-agent"
    before = sorted(p.relative_to(install_dir) for p in install_dir.rglob("*"))
    command = root / "usr" / "bin" / "agent-app"
    result = frozen(command, "--data-dir", str(tmp_path / "data"), "selfcheck")
    assert result.returncode == 0, result.stderr
    # The machine-wide config of the package reaches the app; the diagnostics show it.
    result = frozen(command, "--data-dir", str(tmp_path / "data"), "diagnostics",
                    "-o", str(tmp_path / "diag.zip"), env={"AGENT_APP_SYSTEM_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "diag.zip") as archive:
        assert json.loads(archive.read("settings.json"))["server_url"] == SERVER_URL
        assert json.loads(archive.read("about.json"))["frozen"] is True
    # Nothing is written next to the program: a read-only install folder is fine.
    assert sorted(p.relative_to(install_dir) for p in install_dir.rglob("*")) == before


def test_the_package_entry_the_desktop_starts_falls_back_to_ibus_under_fcitx(built, tmp_path):
    # The desktop entry runs /usr/bin/agent-app, the frozen program itself: its start-up sets
    # the input-method fallback before Qt starts (agent_app/input_method.py).
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(built.deb), str(root)], check=True)
    desktop = (root / "usr/share/applications/hotline-agent.desktop").read_text("utf-8")
    assert "Exec=/usr/bin/agent-app\n" in desktop
    env = {"QT_IM_MODULE": "fcitx", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent",
           "XDG_RUNTIME_DIR": str(tmp_path)}
    result = frozen(root / "usr" / "bin" / "agent-app", "--data-dir", str(tmp_path / "data"),
                    "selfcheck", env={**env, "QT_IM_MODULES": ""})
    assert result.returncode == 0, result.stderr
    assert "input method: QT_IM_MODULE=fcitx, so QT_IM_MODULES=fcitx;ibus" in result.stderr
    assert "input method: no session bus" in result.stdout
    plugins = "compose, fcitx, ibus" if built.fcitx_plugin else "compose, ibus"
    assert f"(Qt input-context plugins: {plugins})" in result.stdout


@pytest.mark.skipif(not os.environ.get("IME_CHECK"), reason="set IME_CHECK=1 to type through "
                    "real input methods into the frozen app (a few minutes)")
def test_pinyin_typed_into_the_frozen_intake_form_arrives_as_chinese(built, tmp_path):
    results = tmp_path / "results.json"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "ime_check.py"), "--bundle",
                          str(built.bundle), "--target", "bundle", "--json", str(results)],
                         capture_output=True, text=True, cwd=ROOT, timeout=20 * 60)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = json.loads(results.read_text(encoding="utf-8"))
    assert rows and all(row["bundle"] == "你好" for row in rows if "bundle" in row["expected"])
    # ime_check expects Chinese from the bundle in every case but fcitx 4's, and in fcitx 4
    # asked for by `fcitx` when the bundle carries the plugin.
    fcitx4_served = {"fcitx4-fcitx"} if built.fcitx_plugin else set()
    assert all("bundle" in row["expected"] for row in rows
               if not row["case"].startswith("fcitx4") or row["case"] in fcitx4_served), rows
