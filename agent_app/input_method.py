"""Chinese input methods on Linux: the start-up environment that lets fcitx 5 work with the
input-context plugins PySide6 ships, and what `selfcheck` says about the running input method.

Qt-free on purpose: Qt reads QT_IM_MODULE(S) once, when the QApplication is created, so the
environment is settled before PySide6 is imported.

What PySide6's Qt can load (its wheel, and so the bundle, carries only the "compose" and
"ibus" plugins): an fcitx PC usually sets QT_IM_MODULE=fcitx, which no bundled plugin answers,
and Qt then falls back to "compose", which types no Chinese. fcitx 5 also serves the ibus
protocol, so trying ibus after fcitx makes it work. Qt reads the list QT_IM_MODULES only from
the version whose libQt6Gui names it (6.6 and 6.7 do not); older ones read only QT_IM_MODULE.
Qt's ibus plugin also refuses to start unless ibus-daemon is on the PATH or IBUS_USE_PORTAL
is set; with the portal it talks to org.freedesktop.portal.IBus on the session bus, which
fcitx 5 serves too.

fcitx 4 has no ibus frontend, so it needs an fcitx plugin built for exactly this Qt
(scripts/build_fcitx_plugin.py builds fcitx-qt5's, which also reaches fcitx 5 through its
fcitx4 frontend). The bundle carries it in Qt's own plugin folder; a checkout finds it in
build/qt-plugins/Qt-<version>/, which is put on QT_PLUGIN_PATH only when the version is the
one of this Qt.
"""

from __future__ import annotations

import importlib.util
import logging
import mmap
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

FCITX_MODULE_KEYS = frozenset({"fcitx", "fcitx5"})
IBUS_PORTAL_NAME = "org.freedesktop.portal.IBus"
IBUS_NAME = "org.freedesktop.IBus"
FCITX5_NAME = "org.fcitx.Fcitx5"
# fcitx 4.2.9 owns org.fcitx.Fcitx and org.fcitx.Fcitx-<display number>, and both fcitx 4 and
# 5 may own the portal name; fcitx 5's fcitx4 frontend owns the fcitx 4 names too.
FCITX_PORTAL_NAME = "org.freedesktop.portal.Fcitx"
_FCITX4_NAME = re.compile(r"^org\.fcitx\.Fcitx(-\d+)?$")
# Where scripts/build_fcitx_plugin.py puts the plugin in a checkout (Qt-<version>/ below it).
BUILT_PLUGINS = Path(__file__).resolve().parent.parent / "build" / "qt-plugins"
_QT_BANNER = re.compile(rb"Qt (\d+\.\d+\.\d+) \(")
T = TypeVar("T")


@dataclass(frozen=True)
class QtInputFacts:
    """What the Qt this process will load can do, found without loading it."""

    plugins: frozenset[str]  # input-context plugin keys found: "compose", "ibus", "fcitx"
    reads_module_list: bool  # libQt6Gui reads QT_IM_MODULES
    ibus_daemon_on_path: bool  # Qt's ibus plugin needs it unless IBUS_USE_PORTAL is set
    # A checkout's fcitx plugin for exactly this Qt exists (on QT_PLUGIN_PATH or not).
    fcitx_built: bool = False


def requested_module(env: Mapping[str, str]) -> str:
    """The plugin key QT_IM_MODULE asks for ("fcitx:param" → "fcitx"), lower case."""
    return env.get("QT_IM_MODULE", "").split(":", 1)[0].strip().lower()


def input_method_environment(env: Mapping[str, str], facts: QtInputFacts) -> dict[str, str]:
    """The variables to set before the QApplication exists; empty when nothing needs doing.

    Only an fcitx request is touched, and an explicit QT_IM_MODULES is the user's own choice.
    """
    if requested_module(env) not in FCITX_MODULE_KEYS or env.get("QT_IM_MODULES"):
        return {}
    changes = {"QT_IM_MODULES": f"{env['QT_IM_MODULE']};ibus"}
    if "fcitx" not in facts.plugins and not facts.reads_module_list:
        # This Qt reads only QT_IM_MODULE, and nothing here answers to fcitx.
        changes["QT_IM_MODULE"] = "ibus"
    if not facts.ibus_daemon_on_path and "IBUS_USE_PORTAL" not in env:
        # Without ibus installed, Qt's ibus plugin only starts through the portal.
        changes["IBUS_USE_PORTAL"] = "1"
    return changes


# Gathering the facts -------------------------------------------------------------------------


def qt_dir() -> Path | None:
    """PySide6/Qt of this interpreter or bundle, without importing PySide6."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "PySide6" / "Qt"] if bundle else []
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(location) / "Qt" for location in spec.submodule_search_locations]
    return next((path for path in candidates if path.is_dir()), None)


def input_context_plugins(plugin_dir: Path | None) -> frozenset[str]:
    """Keys of the input-context plugin files in `plugin_dir` (…/plugins/platforminputcontexts).

    Only the Qt's own folder counts: plugins built for another Qt (a distribution's fcitx5-qt6
    on QT_PLUGIN_PATH) refuse to load into PySide6's Qt.
    """
    if plugin_dir is None or not plugin_dir.is_dir():
        return frozenset()
    keys = set()
    for path in plugin_dir.iterdir():
        name = path.name.lower()
        for key in ("compose", "ibus", "fcitx"):
            if key in name and "platforminputcontext" in name:
                keys.add(key)
    return frozenset(keys)


def _read_qt_library(qt: Path | None, name: str, read: Callable[[mmap.mmap], T]) -> T | None:
    """`read` over the first of Qt's copies of library `name` that maps (the wheel keeps them
    in Qt/lib, a bundle beside Qt), without loading it; None when none does."""
    if qt is None:
        return None
    for library in (qt / "lib" / name, qt.parent / name):
        try:
            with library.open("rb") as handle, mmap.mmap(handle.fileno(), 0,
                                                         access=mmap.ACCESS_READ) as data:
                return read(data)
        except (OSError, ValueError):
            continue
    return None


def qt_reads_module_list(qt: Path | None) -> bool:
    """Whether libQt6Gui names QT_IM_MODULES (it reads the list only if it does)."""
    return bool(_read_qt_library(qt, "libQt6Gui.so.6",
                                 lambda data: data.find(b"QT_IM_MODULES\0") >= 0))


def qt_version(qt: Path | None) -> str | None:
    """The version libQt6Core names itself by ("Qt 6.11.2 (x86_64-…"), without loading it."""
    def banner(data: mmap.mmap) -> str | None:
        found = _QT_BANNER.search(data)
        return bytes(found.group(1)).decode("ascii") if found else None

    return _read_qt_library(qt, "libQt6Core.so.6", banner)


def built_plugin_dir(qt: Path | None, built: Path | None = None) -> Path | None:
    """The plugin folder scripts/build_fcitx_plugin.py made (in `built`, default
    BUILT_PLUGINS) for exactly this Qt's version: a plugin of another version may not load,
    or worse, load and misbehave. None in the bundle, whose plugin sits in Qt's own folder."""
    built = BUILT_PLUGINS if built is None else built
    if getattr(sys, "frozen", False) or not built.is_dir():
        return None  # before reading the Qt library: most starts end here
    version = qt_version(qt)
    if version is None:
        return None
    folder = built / f"Qt-{version}"
    return folder if "fcitx" in input_context_plugins(folder / "platforminputcontexts") else None


def qt_input_facts(qt: Path | None = None, env: Mapping[str, str] | None = None
                   ) -> QtInputFacts:
    """What the Qt in `qt` (default: this interpreter's or bundle's) can do; a built plugin
    folder for this Qt counts when it is on env's QT_PLUGIN_PATH."""
    qt = qt if qt is not None else qt_dir()
    env = os.environ if env is None else env
    plugins = input_context_plugins(qt / "plugins" / "platforminputcontexts" if qt else None)
    built = built_plugin_dir(qt)
    if built is not None and str(built) in env.get("QT_PLUGIN_PATH", "").split(os.pathsep):
        plugins |= input_context_plugins(built / "platforminputcontexts")
    return QtInputFacts(plugins=plugins, reads_module_list=qt_reads_module_list(qt),
                        ibus_daemon_on_path=shutil.which("ibus-daemon") is not None,
                        fcitx_built=built is not None)


def prepare_input_method(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Under an fcitx request (Linux only), put a built fcitx plugin for this Qt on
    QT_PLUGIN_PATH, then set what `input_method_environment` asks for in the process
    environment; returns the variables set."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or requested_module(environ) not in FCITX_MODULE_KEYS:
        return {}
    changes: dict[str, str] = {}
    qt = qt_dir()
    built = built_plugin_dir(qt)
    paths = [path for path in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if path]
    if built is not None and str(built) not in paths:
        changes["QT_PLUGIN_PATH"] = os.pathsep.join([str(built), *paths])
        environ.update(changes)
    more = input_method_environment(environ, qt_input_facts(qt, environ))
    environ.update(more)
    changes |= more
    if changes:
        log.info("input method: QT_IM_MODULE=%s, so %s", environ.get("QT_IM_MODULE"),
                 ", ".join(f"{name}={value}" for name, value in changes.items()))
    return changes


# What selfcheck says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IbusSocket:
    """The address file an ibus server (ibus-daemon, or fcitx 5 for it) writes."""

    path: Path
    address: str
    pid: int
    alive: bool
    program: str  # the server's process name, "" when unknown


@dataclass(frozen=True)
class InputMethodReport:
    line: str
    ok: bool  # False: Chinese typing will not work as things stand


def running_input_methods(bus_names: Iterable[str], ibus: IbusSocket | None) -> list[str]:
    """"fcitx5", "fcitx 4", "ibus" for what answers on the session bus (or ibus's own bus)."""
    names = set(bus_names)
    found = []
    fcitx5 = FCITX5_NAME in names
    if fcitx5:
        found.append("fcitx5")
    elif FCITX_PORTAL_NAME in names or any(_FCITX4_NAME.match(name) for name in names):
        found.append("fcitx 4")
    ibus_daemon = ibus is not None and ibus.alive and ibus.program != "fcitx5"
    if ibus_daemon or (not fcitx5 and (IBUS_NAME in names or IBUS_PORTAL_NAME in names)):
        found.append("ibus")
    return found


def _requested_modules(env: Mapping[str, str], facts: QtInputFacts) -> list[str]:
    # As QPlatformInputContextFactory::requested() and the xcb platform plugin do it.
    listed = [key for key in env.get("QT_IM_MODULES", "").split(";") if key.strip()]
    if facts.reads_module_list and listed:
        keys = listed
    elif env.get("QT_IM_MODULE"):
        keys = [env["QT_IM_MODULE"]]
    else:
        keys = []
    keys = [key.split(":", 1)[0].strip().lower() for key in keys]
    return keys if "compose" in keys else [*keys, "compose"]


def _fcitx_protocol_served(bus_names: set[str]) -> bool:
    """The fcitx plugin speaks fcitx 4's D-Bus protocol: fcitx 4 serves it, fcitx 5 through its
    fcitx4 frontend (both own org.fcitx.Fcitx-<display>)."""
    return any(_FCITX4_NAME.match(name) for name in bus_names)


def _ibus_plugin_connects(env: Mapping[str, str], facts: QtInputFacts,
                          bus_names: set[str], ibus: IbusSocket | None) -> bool:
    if "IBUS_USE_PORTAL" in env or "SNAP" in env or Path("/.flatpak-info").exists():
        return IBUS_PORTAL_NAME in bus_names
    return facts.ibus_daemon_on_path and ibus is not None and ibus.alive


def serving_plugin(env: Mapping[str, str], facts: QtInputFacts, bus_names: Iterable[str],
                   ibus: IbusSocket | None) -> str:
    """The input-context plugin Qt will settle on: the first requested one that loads and
    connects, else "compose" (or "" when not even that is there)."""
    names = set(bus_names)
    for key in _requested_modules(env, facts):
        if key == "ibus" and "ibus" in facts.plugins:
            if _ibus_plugin_connects(env, facts, names, ibus):
                return "ibus"
        elif key in FCITX_MODULE_KEYS and "fcitx" in facts.plugins:
            return "fcitx"
        elif key == "compose" and "compose" in facts.plugins:
            return "compose"
    return ""


def input_method_report(env: Mapping[str, str], facts: QtInputFacts,
                        bus_names: Iterable[str] | None, ibus: IbusSocket | None
                        ) -> InputMethodReport:
    """One line for selfcheck. `bus_names` is None when there is no session bus to ask."""
    plugins = ", ".join(sorted(facts.plugins)) or "none"
    if bus_names is None:
        return InputMethodReport(
            f"no session bus, so no input method to ask (Qt input-context plugins: {plugins})",
            ok=True)
    names = set(bus_names)
    running = running_input_methods(names, ibus)
    plugin = serving_plugin(env, facts, names, ibus)
    asked = (f"QT_IM_MODULES={env['QT_IM_MODULES']}" if env.get("QT_IM_MODULES")
             and facts.reads_module_list else f"QT_IM_MODULE={env.get('QT_IM_MODULE', '')}")
    if not running:
        return InputMethodReport(
            f"none running on the session bus (fcitx5, fcitx 4 or ibus); {asked}, "
            f"Qt will use the {plugin or 'no'} plugin (plugins here: {plugins})", ok=False)
    seen = ", ".join(_evidence(method, names, ibus) for method in running)
    via = ""
    if plugin == "ibus" and "fcitx5" in running and "ibus" not in running:
        via = " (fcitx5's ibus-compatible frontend)"
    elif plugin == "fcitx" and "fcitx5" in running:
        via = " (fcitx5's fcitx4 frontend)"
    fcitx_served = _fcitx_protocol_served(names)
    serves = plugin == "ibus" or (plugin == "fcitx" and fcitx_served)
    line = (f"{' and '.join(running)} running ({seen}); {asked}, "
            f"Qt will use the {plugin or 'no'} plugin{via} (plugins here: {plugins})")
    if plugin == "fcitx" and not fcitx_served:
        line += ("; nothing on the session bus serves the fcitx plugin's protocol, so Chinese "
                 "cannot be typed")
    elif not serves:
        line += "; no plugin here speaks to it, so Chinese cannot be typed"
        if "fcitx 4" in running and ("fcitx" in facts.plugins or facts.fcitx_built):
            line += " (fcitx 4 speaks only to the fcitx plugin: set QT_IM_MODULE=fcitx)"
        elif "fcitx 4" in running:
            line += (" (fcitx 4 needs an fcitx plugin built for exactly this Qt, see "
                     "scripts/build_fcitx_plugin.py: else switch to fcitx5 or ibus)")
    return InputMethodReport(line, ok=serves)


def _evidence(method: str, names: set[str], ibus: IbusSocket | None) -> str:
    """Where `method` was seen: its name on the session bus, or ibus-daemon's own address."""
    if method == "fcitx5":
        return FCITX5_NAME
    if method == "fcitx 4":
        return next((name for name in sorted(names) if _FCITX4_NAME.match(name)),
                    FCITX_PORTAL_NAME)
    if ibus is not None and ibus.alive and ibus.program != "fcitx5":
        return f"{ibus.program or 'ibus-daemon'} at {ibus.address}"
    return next(name for name in (IBUS_NAME, IBUS_PORTAL_NAME) if name in names)


def ibus_socket_path(env: Mapping[str, str], machine_id: str) -> Path:
    """Where ibus writes its address, as Qt's ibus plugin looks for it."""
    if env.get("IBUS_ADDRESS_FILE"):
        return Path(env["IBUS_ADDRESS_FILE"])
    host, display = "unix", "0"
    if env.get("WAYLAND_DISPLAY"):
        display = env["WAYLAND_DISPLAY"]
    else:
        value = env.get("DISPLAY", "")
        before, colon, after = value.partition(":")
        if colon:
            host = before or host
            display = after.split(".", 1)[0]
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser()
                                               / ".config")
    return Path(config) / "ibus" / "bus" / f"{machine_id}-{host}-{display}"


def read_ibus_socket(path: Path) -> IbusSocket | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    values = dict(line.split("=", 1) for line in text.splitlines()
                  if "=" in line and not line.startswith("#"))
    try:
        pid = int(values.get("IBUS_DAEMON_PID", "-1"))
    except ValueError:
        pid = -1
    alive = pid > 0 and _process_exists(pid)
    program = ""
    if alive:
        try:
            program = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
        except OSError:
            program = ""
    return IbusSocket(path, values.get("IBUS_ADDRESS", ""), pid, alive, program)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def machine_id() -> str:
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            return Path(path).read_text(encoding="ascii").strip()
        except OSError:
            continue
    return ""


def session_bus_names(timeout: float = 2.0) -> list[str] | None:
    """Names owned on the session bus; None when there is none (or it does not answer)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.environ.get("XDG_RUNTIME_DIR"):
        return None
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None
    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                      interface="org.freedesktop.DBus")
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(new_method_call(bus, "ListNames"),
                                                  timeout=timeout)
    except (OSError, KeyError, ValueError, TimeoutError) as exc:
        log.info("session bus not reachable: %s", exc)
        return None
    return [str(name) for name in reply.body[0]]


def current_report(env: Mapping[str, str] | None = None) -> InputMethodReport:
    env = os.environ if env is None else env
    socket = read_ibus_socket(ibus_socket_path(env, machine_id()))
    return input_method_report(env, qt_input_facts(env=env), session_bus_names(), socket)
