"""The input method on a real session bus, and real typing through ibus and fcitx5.

The bus test needs only dbus-daemon. The typing test (scripts/ime_check.py: Xvfb, xdotool,
ibus + libpinyin, fcitx5 + pinyin) takes a few minutes and runs when IME_CHECK is set, so a
machine that happens to have input methods installed does not pay for it in every run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent_app.input_method import (
    built_plugin_dir,
    current_report,
    input_method_report,
    qt_dir,
    qt_input_facts,
    session_bus_names,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_session_bus(monkeypatch: pytest.MonkeyPatch):
    if not shutil.which("dbus-daemon"):
        pytest.skip("dbus-daemon is not installed")
    started = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                              "--print-pid=1"], capture_output=True, text=True, check=True,
                             timeout=20).stdout.split()
    address, pid = started[0], int(started[1])
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        os.kill(pid, signal.SIGTERM)


def test_the_names_on_a_real_session_bus_name_the_input_method(private_session_bus):
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    names = session_bus_names()
    assert names is not None and "org.freedesktop.DBus" in names
    assert "org.fcitx.Fcitx5" not in names
    with open_dbus_connection(bus="SESSION") as fcitx5:
        # What fcitx 5 owns when it runs (its own name and its ibus-compatible portal).
        for name in ("org.fcitx.Fcitx5", "org.freedesktop.portal.IBus"):
            assert fcitx5.send_and_get_reply(message_bus.RequestName(name)).body == (1,)
        names = session_bus_names()
        assert {"org.fcitx.Fcitx5", "org.freedesktop.portal.IBus"} <= set(names)
        env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus", "IBUS_USE_PORTAL": "1"}
        report = input_method_report(env, qt_input_facts(), names, None)
        assert report.ok, report.line
        assert report.line.startswith("fcitx5 running (org.fcitx.Fcitx5); ")
    assert "org.fcitx.Fcitx5" not in session_bus_names()


def test_selfcheck_says_so_on_a_bus_without_an_input_method(private_session_bus, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_IM_MODULE": "fcitx",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("QT_IM_MODULES", None)
    result = subprocess.run([sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path),
                             "selfcheck"], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert ("input method: WARNING — none running on the session bus (fcitx5, fcitx 4 or "
            "ibus); QT_IM_MODULES=fcitx;ibus") in result.stderr
    in_process = current_report({"QT_IM_MODULE": "ibus", "HOME": str(tmp_path)})
    assert not in_process.ok and in_process.line.startswith("none running")


def test_the_fcitx_plugin_built_for_this_qt_loads_and_selfcheck_counts_it(private_session_bus,
                                                                          tmp_path):
    built = built_plugin_dir(qt_dir())
    if built is None:
        pytest.skip("no fcitx plugin built for this Qt (python scripts/build_fcitx_plugin.py)")
    [plugin] = (built / "platforminputcontexts").glob("*.so")
    load = ("import sys\n"
            "from PySide6.QtCore import QPluginLoader\n"
            "from PySide6.QtGui import QGuiApplication\n"
            "app = QGuiApplication([])\n"
            "loader = QPluginLoader(sys.argv[1])\n"
            "assert loader.load(), loader.errorString()\n"
            "print(loader.metaData()['MetaData']['Keys'])\n")
    loaded = subprocess.run([sys.executable, "-c", load, str(plugin)], capture_output=True,
                            text=True, timeout=120, env={**os.environ,
                                                         "QT_QPA_PLATFORM": "offscreen"})
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "['fcitx']"
    # selfcheck under fcitx puts it on the plugin path and names it; what fcitx 4 owns on the
    # bus (org.fcitx.Fcitx-<display>) then makes the line a pass, not a warning.
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_IM_MODULE": "fcitx",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("QT_IM_MODULES", None)
    env.pop("QT_PLUGIN_PATH", None)
    with open_dbus_connection(bus="SESSION") as fcitx4:
        assert fcitx4.send_and_get_reply(message_bus.RequestName("org.fcitx.Fcitx-0")).body == (
            1,)
        result = subprocess.run([sys.executable, "-m", "agent_app", "--data-dir",
                                 str(tmp_path), "selfcheck"], capture_output=True, text=True,
                                env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert ("input method: fcitx 4 running (org.fcitx.Fcitx-0); QT_IM_MODULES=fcitx;ibus, Qt "
            "will use the fcitx plugin (plugins here: compose, fcitx, ibus)") in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("IME_CHECK"), reason="set IME_CHECK=1 to type through "
                    "real input methods (a few minutes)")
def test_pinyin_typed_through_ibus_and_fcitx5_arrives_as_chinese(tmp_path):
    missing = [tool for tool in ("Xvfb", "xdotool", "xclip", "dbus-daemon")
               if not shutil.which(tool)]
    if missing or not (shutil.which("ibus-daemon") or shutil.which("fcitx5")):
        pytest.skip(f"needs xvfb, xdotool, xclip, dbus and ibus or fcitx5 ({missing})")
    bundle = os.environ.get("IME_CHECK_BUNDLE")
    results = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "scripts" / "ime_check.py"), "--json", str(results)]
    if bundle:
        command += ["--bundle", bundle]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=20 * 60)
    table = json.loads(results.read_text(encoding="utf-8"))
    assert table, run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    for row in table:
        for target in row["expected"]:
            assert row[target] == "你好", row
    # Every fcitx 5 and ibus case expects it from the app; fcitx 4 where the plugin is built.
    assert all("app" in row["expected"] for row in table
               if not row["case"].startswith("fcitx4")), table
