"""The start-up input-method environment and selfcheck's input-method line
(agent_app/input_method.py): pure decisions over an environment and what this Qt can do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import agent_app
from agent_app import input_method
from agent_app.input_method import (
    IbusSocket,
    QtInputFacts,
    built_plugin_dir,
    ibus_socket_path,
    input_context_plugins,
    input_method_environment,
    input_method_report,
    prepare_input_method,
    qt_dir,
    qt_input_facts,
    qt_reads_module_list,
    qt_version,
    read_ibus_socket,
    running_input_methods,
    serving_plugin,
)

WHEEL = QtInputFacts(plugins=frozenset({"compose", "ibus"}), reads_module_list=True,
                     ibus_daemon_on_path=True)
OLD_QT = QtInputFacts(plugins=frozenset({"compose", "ibus"}), reads_module_list=False,
                      ibus_daemon_on_path=True)
WITH_FCITX_PLUGIN = QtInputFacts(plugins=frozenset({"compose", "ibus", "fcitx"}),
                                 reads_module_list=False, ibus_daemon_on_path=True)
NO_IBUS_INSTALLED = QtInputFacts(plugins=frozenset({"compose", "ibus"}), reads_module_list=True,
                                 ibus_daemon_on_path=False)


@pytest.mark.parametrize(("env", "facts", "expected"), [
    # Not an fcitx request: nothing to do.
    ({}, WHEEL, {}),
    ({"QT_IM_MODULE": "ibus"}, WHEEL, {}),
    ({"QT_IM_MODULE": "compose"}, OLD_QT, {}),
    ({"QT_IM_MODULE": ""}, NO_IBUS_INSTALLED, {}),
    # The usual fcitx PC: ibus after fcitx.
    ({"QT_IM_MODULE": "fcitx"}, WHEEL, {"QT_IM_MODULES": "fcitx;ibus"}),
    ({"QT_IM_MODULE": "fcitx5"}, WHEEL, {"QT_IM_MODULES": "fcitx5;ibus"}),
    ({"QT_IM_MODULE": "Fcitx"}, WHEEL, {"QT_IM_MODULES": "Fcitx;ibus"}),
    # An explicit list is the user's choice, even one without ibus; an empty one is unset.
    ({"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx"}, WHEEL, {}),
    ({"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "wayland;fcitx"}, OLD_QT, {}),
    ({"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": ""}, WHEEL, {"QT_IM_MODULES": "fcitx;ibus"}),
    # Qt 6.6/6.7 read only QT_IM_MODULE: ibus it is, unless an fcitx plugin is there.
    ({"QT_IM_MODULE": "fcitx"}, OLD_QT, {"QT_IM_MODULES": "fcitx;ibus", "QT_IM_MODULE": "ibus"}),
    ({"QT_IM_MODULE": "fcitx"}, WITH_FCITX_PLUGIN, {"QT_IM_MODULES": "fcitx;ibus"}),
    # No ibus-daemon: Qt's ibus plugin only starts through the portal fcitx 5 serves.
    ({"QT_IM_MODULE": "fcitx"}, NO_IBUS_INSTALLED,
     {"QT_IM_MODULES": "fcitx;ibus", "IBUS_USE_PORTAL": "1"}),
    ({"QT_IM_MODULE": "fcitx", "IBUS_USE_PORTAL": "0"}, NO_IBUS_INSTALLED,
     {"QT_IM_MODULES": "fcitx;ibus"}),
])
def test_the_environment_for_each_combination(env, facts, expected):
    assert input_method_environment(env, facts) == expected


environments = st.dictionaries(
    st.sampled_from(["QT_IM_MODULE", "QT_IM_MODULES", "IBUS_USE_PORTAL", "XMODIFIERS"]),
    st.sampled_from(["", "fcitx", "fcitx5", "ibus", "compose", "fcitx;ibus", "wayland", "1"]))
facts_strategy = st.builds(
    QtInputFacts, plugins=st.frozensets(st.sampled_from(["compose", "ibus", "fcitx"])),
    reads_module_list=st.booleans(), ibus_daemon_on_path=st.booleans())


@given(environments, facts_strategy)
def test_it_only_adds_input_method_variables_keeps_explicit_ones_and_settles(env, facts):
    changes = input_method_environment(env, facts)
    assert set(changes) <= {"QT_IM_MODULE", "QT_IM_MODULES", "IBUS_USE_PORTAL"}
    if env.get("QT_IM_MODULES"):
        assert changes == {}
    assert "IBUS_USE_PORTAL" not in changes or "IBUS_USE_PORTAL" not in env
    # Applied once, there is nothing left to do.
    assert input_method_environment({**env, **changes}, facts) == {}


@given(environments, facts_strategy)
def test_after_it_an_fcitx_request_reaches_ibus_whenever_fcitx_cannot_answer(env, facts):
    settled = {**env, **input_method_environment(env, facts)}
    if env.get("QT_IM_MODULES") or env.get("QT_IM_MODULE") not in {"fcitx", "fcitx5"}:
        return
    if "fcitx" in facts.plugins or "ibus" not in facts.plugins:
        return
    bus = ["org.fcitx.Fcitx5", "org.freedesktop.portal.IBus", "org.freedesktop.IBus"]
    fcitx5_ibus_socket = IbusSocket(Path("socket"), "unix:path=/bus", 4242, True, "fcitx5")
    assert serving_plugin(settled, facts, bus, fcitx5_ibus_socket) == "ibus"


def test_plugin_keys_come_from_the_file_names(tmp_path):
    for name in ("libcomposeplatforminputcontextplugin.so",
                 "libibusplatforminputcontextplugin.so", "libqtvirtualkeyboardplugin.so",
                 "README"):
        (tmp_path / name).write_bytes(b"")
    assert input_context_plugins(tmp_path) == {"compose", "ibus"}
    (tmp_path / "libfcitx5platforminputcontextplugin.so").write_bytes(b"")
    assert input_context_plugins(tmp_path) == {"compose", "ibus", "fcitx"}
    assert input_context_plugins(tmp_path / "missing") == frozenset()
    assert input_context_plugins(None) == frozenset()


def test_whether_qt_reads_the_list_is_read_from_its_gui_library(tmp_path):
    (tmp_path / "lib").mkdir()
    library = tmp_path / "lib" / "libQt6Gui.so.6"
    library.write_bytes(b"\x7fELF...QT_IM_MODULE\0...")
    assert not qt_reads_module_list(tmp_path)
    library.write_bytes(b"\x7fELF...QT_IM_MODULE\0QT_IM_MODULES\0...")
    assert qt_reads_module_list(tmp_path)
    assert not qt_reads_module_list(tmp_path / "nothing")
    assert not qt_reads_module_list(None)


def test_the_wheel_in_this_environment_is_found_without_importing_it():
    script = ("import sys\n"
              "from agent_app.input_method import qt_dir, qt_input_facts\n"
              "facts = qt_input_facts()\n"
              "print(qt_dir(), sorted(facts.plugins))\n"
              "assert not any(name.startswith(('PySide6', 'shiboken6')) for name in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=str(Path(agent_app.__path__[0]).parent), timeout=60)
    assert result.returncode == 0, result.stderr
    found = qt_dir()
    assert found is not None and (found / "lib").is_dir()
    # The wheel carries compose and ibus and no fcitx plugin (the reason for all this).
    assert result.stdout.split(" ", 1)[1].strip() == "['compose', 'ibus']"


def test_the_pinned_wheel_reads_the_list_exactly_from_qt_6_8():
    import PySide6

    major, minor = (int(part) for part in PySide6.__version__.split(".")[:2])
    assert qt_reads_module_list(qt_dir()) == ((major, minor) >= (6, 8))


@pytest.mark.parametrize(("names", "socket_program", "expected"), [
    ([], None, []),
    (["org.freedesktop.DBus", ":1.4"], None, []),
    (["org.fcitx.Fcitx5", "org.freedesktop.portal.Fcitx", "org.freedesktop.portal.IBus",
      "org.freedesktop.IBus"], "fcitx5", ["fcitx5"]),
    (["org.fcitx.Fcitx-0"], None, ["fcitx 4"]),
    # What fcitx 4.2.9.9 owns on Debian 12, seen under Xvfb (display :90).
    (["org.fcitx.Fcitx", "org.fcitx.Fcitx-90", "org.freedesktop.portal.Fcitx"], None,
     ["fcitx 4"]),
    (["org.fcitx.Fcitx"], None, ["fcitx 4"]),
    # fcitx 5's fcitx4 frontend owns the fcitx 4 name too; it is still fcitx 5.
    (["org.fcitx.Fcitx5", "org.fcitx.Fcitx-0"], "fcitx5", ["fcitx5"]),
    # ibus-daemon keeps its own bus; on the session bus it may show only its portal.
    (["org.freedesktop.portal.IBus"], "ibus-daemon", ["ibus"]),
    ([], "ibus-daemon", ["ibus"]),
])
def test_running_input_methods(names, socket_program, expected):
    socket = (IbusSocket(Path("s"), "unix:abstract=/x", 99, True, socket_program)
              if socket_program else None)
    assert running_input_methods(names, socket) == expected


FCITX5_BUS = ["org.fcitx.Fcitx5", "org.freedesktop.portal.Fcitx", "org.freedesktop.IBus",
              "org.freedesktop.portal.IBus"]
FCITX5_SOCKET = IbusSocket(Path("s"), "unix:path=/bus", 99, True, "fcitx5")


def test_report_fcitx5_through_its_ibus_frontend_is_fine():
    env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"}
    report = input_method_report(env, WHEEL, FCITX5_BUS, FCITX5_SOCKET)
    assert report.ok
    assert report.line.startswith("fcitx5 running (org.fcitx.Fcitx5); ")
    assert "Qt will use the ibus plugin (fcitx5's ibus-compatible frontend)" in report.line


def test_report_warns_when_qt_would_fall_back_to_compose():
    # QT_IM_MODULE=fcitx as Qt would see it without the start-up fix.
    report = input_method_report({"QT_IM_MODULE": "fcitx"}, WHEEL, FCITX5_BUS, FCITX5_SOCKET)
    assert not report.ok
    assert "Qt will use the compose plugin" in report.line
    assert "Chinese cannot be typed" in report.line


def test_report_warns_for_fcitx_4_which_no_bundled_plugin_speaks_to():
    env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"}
    report = input_method_report(env, WHEEL, ["org.fcitx.Fcitx-0"], None)
    assert not report.ok
    assert report.line.startswith("fcitx 4 running (org.fcitx.Fcitx-0); ")
    assert "switch to fcitx5 or ibus" in report.line


def test_report_ibus_daemon_needs_it_on_the_path():
    socket = IbusSocket(Path("s"), "unix:abstract=/x", 99, True, "ibus-daemon")
    report = input_method_report({"QT_IM_MODULE": "ibus"}, WHEEL, [], socket)
    assert report.ok
    assert report.line.startswith("ibus running (ibus-daemon at unix:abstract=/x); "
                                  "QT_IM_MODULE=ibus, Qt will use the ibus plugin")
    hidden = QtInputFacts(WHEEL.plugins, True, ibus_daemon_on_path=False)
    assert not input_method_report({"QT_IM_MODULE": "ibus"}, hidden, [], socket).ok


def test_report_without_an_input_method_or_a_bus():
    nothing = input_method_report({}, WHEEL, ["org.freedesktop.DBus"], None)
    assert not nothing.ok and nothing.line.startswith("none running")
    no_bus = input_method_report({}, WHEEL, None, None)
    assert no_bus.ok and no_bus.line.startswith("no session bus")


def test_a_qt_without_the_list_reads_only_qt_im_module():
    env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"}
    assert serving_plugin(env, OLD_QT, FCITX5_BUS, FCITX5_SOCKET) == "compose"
    assert serving_plugin({**env, "QT_IM_MODULE": "ibus"}, OLD_QT, FCITX5_BUS,
                          FCITX5_SOCKET) == "ibus"


def test_the_ibus_address_file_is_where_qt_looks(tmp_path):
    env = {"HOME": str(tmp_path), "DISPLAY": ":7.0"}
    assert ibus_socket_path(env, "abc") == tmp_path / ".config" / "ibus" / "bus" / "abc-unix-7"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "conf")
    assert ibus_socket_path(env, "abc") == tmp_path / "conf" / "ibus" / "bus" / "abc-unix-7"
    assert ibus_socket_path({**env, "WAYLAND_DISPLAY": "wayland-0"}, "abc").name == (
        "abc-unix-wayland-0")
    assert ibus_socket_path({**env, "IBUS_ADDRESS_FILE": "/x/y"}, "abc") == Path("/x/y")


def test_the_ibus_address_file_names_a_live_server(tmp_path):
    socket = tmp_path / "socket"
    socket.write_text(f"# written by the test\nIBUS_ADDRESS=unix:path=/bus\n"
                      f"IBUS_DAEMON_PID={os.getpid()}\n", encoding="utf-8")
    read = read_ibus_socket(socket)
    assert read is not None and read.alive and read.address == "unix:path=/bus"
    assert read.program == Path(f"/proc/{os.getpid()}/comm").read_text().strip()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    socket.write_text(f"IBUS_ADDRESS=unix:path=/bus\nIBUS_DAEMON_PID={dead}\n",
                      encoding="utf-8")
    assert read_ibus_socket(socket).alive is False
    assert read_ibus_socket(tmp_path / "absent") is None


def fake_qt(folder: Path, version: str) -> Path:
    """A PySide6/Qt folder: libQt6Core naming its version, the wheel's two plugins."""
    (folder / "lib").mkdir(parents=True)
    (folder / "lib" / "libQt6Core.so.6").write_bytes(
        b"\x7fELF...This is the QtCore library version %s\0...Qt " + version.encode()
        + b" (x86_64-little_endian-lp64 shared (dynamic) release build)\0")
    (folder / "lib" / "libQt6Gui.so.6").write_bytes(b"\x7fELF...QT_IM_MODULES\0...")
    plugins = folder / "plugins" / "platforminputcontexts"
    plugins.mkdir(parents=True)
    for name in ("libcomposeplatforminputcontextplugin.so",
                 "libibusplatforminputcontextplugin.so"):
        (plugins / name).write_bytes(b"")
    return folder


def built_plugin(built: Path, version: str) -> Path:
    folder = built / f"Qt-{version}"
    (folder / "platforminputcontexts").mkdir(parents=True)
    (folder / "platforminputcontexts" / "libfcitxplatforminputcontextplugin-qt6.so").write_bytes(
        b"")
    return folder


def test_the_qt_version_is_read_from_its_core_library(tmp_path):
    assert qt_version(fake_qt(tmp_path / "qt", "6.11.2")) == "6.11.2"
    (tmp_path / "other" / "lib").mkdir(parents=True)
    (tmp_path / "other" / "lib" / "libQt6Core.so.6").write_bytes(b"\x7fELF no banner")
    assert qt_version(tmp_path / "other") is None
    assert qt_version(tmp_path / "missing") is None
    assert qt_version(None) is None
    from PySide6.QtCore import qVersion

    assert qt_version(qt_dir()) == qVersion()


def test_a_built_plugin_counts_only_for_exactly_this_qt_version(tmp_path):
    qt = fake_qt(tmp_path / "qt", "6.11.2")
    built = tmp_path / "built"
    assert built_plugin_dir(qt, built) is None
    built_plugin(built, "6.11.3")
    built_plugin(built, "6.11")
    assert built_plugin_dir(qt, built) is None
    made = built_plugin(built, "6.11.2")
    assert built_plugin_dir(qt, built) == made
    assert built_plugin_dir(None, built) is None


def test_start_up_puts_the_plugin_for_this_qt_on_the_plugin_path(tmp_path, monkeypatch):
    qt = fake_qt(tmp_path / "qt", "6.11.2")
    monkeypatch.setattr(input_method, "qt_dir", lambda: qt)
    monkeypatch.setattr(input_method, "BUILT_PLUGINS", tmp_path / "built")
    monkeypatch.setattr(sys, "platform", "linux")
    # IBUS_USE_PORTAL set: whether ibus-daemon is installed here does not matter.
    env = {"QT_IM_MODULE": "fcitx", "QT_PLUGIN_PATH": "/opt/plugins", "IBUS_USE_PORTAL": "0"}
    # None built for this Qt: the ibus fallback alone.
    built_plugin(tmp_path / "built", "6.11.3")
    assert prepare_input_method(env) == {"QT_IM_MODULES": "fcitx;ibus"}
    assert env["QT_PLUGIN_PATH"] == "/opt/plugins"
    assert "fcitx" not in qt_input_facts(qt, env).plugins
    made = built_plugin(tmp_path / "built", "6.11.2")
    env = {"QT_IM_MODULE": "fcitx", "QT_PLUGIN_PATH": "/opt/plugins", "IBUS_USE_PORTAL": "0"}
    changes = prepare_input_method(env)
    assert changes["QT_PLUGIN_PATH"] == f"{made}{os.pathsep}/opt/plugins"
    assert env["QT_PLUGIN_PATH"] == changes["QT_PLUGIN_PATH"]
    assert qt_input_facts(qt, env).plugins == {"compose", "ibus", "fcitx"}
    # A distribution's plugin folder on the path is not counted (its plugin will not load).
    assert "fcitx" not in qt_input_facts(qt, {"QT_PLUGIN_PATH": str(tmp_path)}).plugins
    # Settled: a second start-up changes nothing; an ibus request is left alone, though the
    # facts know the plugin is there (selfcheck's hint under fcitx 4).
    assert prepare_input_method(env) == {}
    assert prepare_input_method({"QT_IM_MODULE": "ibus"}) == {}
    assert qt_input_facts(qt, {}).fcitx_built
    # No plugin built at all: the Qt library is not even read.
    monkeypatch.setattr(input_method, "BUILT_PLUGINS", tmp_path / "nothing")
    monkeypatch.setattr(input_method, "qt_version", lambda qt: pytest.fail("read Qt"))
    assert prepare_input_method({"QT_IM_MODULE": "fcitx", "IBUS_USE_PORTAL": "0"}) == {
        "QT_IM_MODULES": "fcitx;ibus"}


def test_report_fcitx_4_through_the_built_fcitx_plugin_is_fine():
    env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"}
    names = ["org.fcitx.Fcitx", "org.fcitx.Fcitx-90", "org.freedesktop.portal.Fcitx"]
    report = input_method_report(env, WITH_FCITX_PLUGIN, names, None)
    assert report.ok, report.line
    assert report.line == ("fcitx 4 running (org.fcitx.Fcitx); QT_IM_MODULE=fcitx, Qt will use "
                           "the fcitx plugin (plugins here: compose, fcitx, ibus)")


def test_report_fcitx_4_asked_for_through_ibus_names_the_setting_that_works():
    names = ["org.fcitx.Fcitx", "org.fcitx.Fcitx-90"]
    built_not_on_path = QtInputFacts(WHEEL.plugins, True, True, fcitx_built=True)
    for facts in (WITH_FCITX_PLUGIN, built_not_on_path):
        report = input_method_report({"QT_IM_MODULE": "ibus"}, facts, names, None)
        assert not report.ok
        assert report.line.endswith("(fcitx 4 speaks only to the fcitx plugin: set "
                                    "QT_IM_MODULE=fcitx)")


def test_report_fcitx5_through_its_fcitx4_frontend_with_the_built_plugin():
    env = {"QT_IM_MODULE": "fcitx"}
    report = input_method_report(env, WITH_FCITX_PLUGIN, [*FCITX5_BUS, "org.fcitx.Fcitx-90"],
                                 FCITX5_SOCKET)
    assert report.ok, report.line
    assert "Qt will use the fcitx plugin (fcitx5's fcitx4 frontend)" in report.line
    # fcitx5 without its fcitx4 frontend: the fcitx plugin has nobody to talk to.
    alone = input_method_report(env, WITH_FCITX_PLUGIN, FCITX5_BUS, FCITX5_SOCKET)
    assert not alone.ok
    assert "nothing on the session bus serves the fcitx plugin's protocol" in alone.line
