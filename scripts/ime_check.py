"""Type pinyin through a real input method and read back what reached the text field:

    python scripts/ime_check.py [--bundle DIR] [--only CASE ...] [--target bare|app|bundle]
                                [--json FILE]

Each case starts its own Xvfb, session bus and input-method daemon (ibus-daemon with the
libpinyin engine, or fcitx5 with pinyin) under a throwaway HOME, starts a target with the
case's environment, focuses its text field, types `nihao` and a space with xdotool, copies the
field's text (Ctrl+A, Ctrl+C) and reads the clipboard with xclip. Debian's fcitx (4) and fcitx5
packages conflict, so one machine runs either the fcitx 4 cases or the fcitx5 ones. Targets:

- bare: a QLineEdit in a plain PySide6 process, none of the app's start-up code;
- bare-fixed: the same QLineEdit after the app's input-method start-up code
  (agent_app/input_method.py) and nothing else of the app; with --python another interpreter
  (one with an older PySide6, say) runs both bare targets;
- app: `python -m agent_app --demo call --number …` from this checkout, typing into 诉求内容
  (F7 focuses it);
- bundle: the frozen `agent-app` of --bundle DIR, the same way.

It prints one table row per case (what each target read back) and exits 1 when a cell that
should show Chinese does not. Needs the Debian packages xvfb, xdotool, xclip, dbus-x11, and
ibus + ibus-libpinyin and/or fcitx5 + fcitx5-pinyin or fcitx + fcitx-pinyin (fcitx 4); cases
whose daemon is missing are skipped. fcitx 4 cases expect Chinese only from a target that has
the fcitx plugin built for its Qt (scripts/build_fcitx_plugin.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPED = "nihao"
EXPECTED = "你好"
CALLER = "13800138000"

BARE_PROBE = """
import sys
if sys.argv[1:] == ["--with-start-up-fix"]:
    from agent_app.input_method import prepare_input_method
    prepare_input_method()
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication(sys.argv[:1])
edit = QLineEdit()
edit.setWindowTitle("ime-probe")
edit.resize(400, 40)
edit.show()
edit.activateWindow()
edit.setFocus()
app.exec()
"""

FCITX5_PROFILE = """\
[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
"""

FCITX5_CONFIG = """\
[Behavior]
ActiveByDefault=True
ShareInputState=All
"""


@dataclass(frozen=True)
class Case:
    name: str
    daemon: str  # "ibus", "fcitx5" or "fcitx4"
    env: dict[str, str]
    description: str
    # Targets expected to show Chinese once the app's start-up fix is in: the bare QLineEdit
    # has none of it, so it only works where Qt itself manages.
    chinese_expected: frozenset[str]  # of "bare", "app", "bundle"; bare-fixed is as app
    hide_ibus_daemon: bool = False  # a PC with fcitx5 but without the ibus package
    # Only a target with the fcitx plugin built for its Qt (scripts/build_fcitx_plugin.py)
    # is expected to show Chinese.
    needs_fcitx_plugin: bool = False


CASES = [
    Case("fcitx5-fcitx", "fcitx5", {"QT_IM_MODULE": "fcitx"},
         "fcitx5 5.0 pinyin / `fcitx`", frozenset({"app", "bundle"})),
    Case("fcitx5-fcitx-no-ibus", "fcitx5", {"QT_IM_MODULE": "fcitx"},
         "fcitx5 / `fcitx`, ibus not installed", frozenset({"app", "bundle"}),
         hide_ibus_daemon=True),
    Case("fcitx5-ibus", "fcitx5", {"QT_IM_MODULE": "ibus"},
         "fcitx5 / `ibus`", frozenset({"bare", "app", "bundle"})),
    Case("fcitx5-list", "fcitx5", {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"},
         "fcitx5 / `fcitx` with `QT_IM_MODULES=\"fcitx;ibus\"`",
         frozenset({"bare", "app", "bundle"})),
    Case("ibus-ibus", "ibus", {"QT_IM_MODULE": "ibus"},
         "ibus 1.5 + libpinyin / `ibus`", frozenset({"bare", "app", "bundle"})),
    # fcitx 4 has no ibus frontend: only the fcitx plugin speaks to it, and only when asked
    # for fcitx (an `ibus` request stays a known gap).
    Case("fcitx4-fcitx", "fcitx4", {"QT_IM_MODULE": "fcitx"},
         "fcitx 4.2 pinyin / `fcitx`", frozenset({"app", "bundle"}), needs_fcitx_plugin=True),
    Case("fcitx4-ibus", "fcitx4", {"QT_IM_MODULE": "ibus"},
         "fcitx 4.2 pinyin / `ibus`", frozenset()),
]

FCITX4_PROFILE = """\
[Profile]
IMName=pinyin
EnabledIMList=fcitx-keyboard-us:True,pinyin:True
"""
# Pinyin active in every new window, as fcitx 5's ActiveByDefault (else Ctrl+Space first).
FCITX4_CONFIG = """\
[Program]
DefaultInputMethodState=Active
ShareStateAmongWindow=All
"""
DAEMON_BINARIES = {"ibus": "ibus-daemon", "fcitx5": "fcitx5", "fcitx4": "fcitx"}


@dataclass
class Session:
    home: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, command: list[str], env: dict[str, str] | None = None,
              log_name: str = "process") -> subprocess.Popen[bytes]:
        log = (self.home / f"{log_name}.log").open("ab")
        process = subprocess.Popen(command, env=env or self.env, stdout=log, stderr=log,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def run(self, *command: str, timeout: float = 20, check: bool = True
            ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(command), env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=check)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
        self.processes.clear()


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(
                f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


@contextmanager
def desktop(daemon: str) -> Iterator[Session]:
    """Xvfb, a session bus and the input-method daemon, under a throwaway HOME."""
    with tempfile.TemporaryDirectory(prefix="ime-check-") as tmp:
        home = Path(tmp)
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700)
        display = _free_display()
        env = {
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"), "XDG_RUNTIME_DIR": str(runtime),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DISPLAY": f":{display}",
            "LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8",
        }
        session = Session(home, env)
        try:
            session.start(["Xvfb", f":{display}", "-screen", "0", "1366x768x24",
                           "-nolisten", "tcp"], log_name="xvfb")
            _wait_for(lambda: Path(f"/tmp/.X11-unix/X{display}").exists(), 20, "Xvfb")
            bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                                  "--print-pid=1"], env=env, capture_output=True, text=True,
                                 check=True, timeout=20).stdout.split()
            env["DBUS_SESSION_BUS_ADDRESS"] = bus[0]
            bus_pid = int(bus[1])
            try:
                _start_daemon(session, daemon)
                yield session
            finally:
                session.stop()
                with suppress(ProcessLookupError):
                    os.kill(bus_pid, signal.SIGTERM)
        finally:
            session.stop()


def _start_daemon(session: Session, daemon: str) -> None:
    if daemon == "ibus":
        session.start(["ibus-daemon", "--replace", "--panel=disable",
                       "--emoji-extension=disable", "--xim"], log_name="ibus")
        # `ibus engine NAME` exits 1 even when the engine was set (it then fails to run
        # setxkbmap), so the engine is set until `ibus engine` names it.
        def engine_set() -> bool:
            session.run("ibus", "engine", "libpinyin", check=False)
            return session.run("ibus", "engine", check=False).stdout.strip() == "libpinyin"

        _wait_for(engine_set, 30, "ibus-daemon with the libpinyin engine")
    elif daemon == "fcitx4":
        config = session.home / ".config" / "fcitx"
        config.mkdir(parents=True)
        (config / "profile").write_text(FCITX4_PROFILE, encoding="utf-8")
        (config / "config").write_text(FCITX4_CONFIG, encoding="utf-8")
        session.start(["fcitx", "-D"], log_name="fcitx4")
        display = session.env["DISPLAY"].lstrip(":")
        _wait_for(lambda: _bus_has(session, f"org.fcitx.Fcitx-{display}"), 30,
                  "fcitx 4 on the bus")
    else:
        config = session.home / ".config" / "fcitx5"
        config.mkdir(parents=True)
        (config / "profile").write_text(FCITX5_PROFILE, encoding="utf-8")
        (config / "config").write_text(FCITX5_CONFIG, encoding="utf-8")
        session.start(["fcitx5", "--disable=wayland,waylandim,notificationitem,kimpanel"],
                      log_name="fcitx5")
        _wait_for(lambda: _bus_has(session, "org.fcitx.Fcitx5"), 30, "fcitx5 on the bus")


def _bus_has(session: Session, name: str) -> bool:
    result = session.run("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                         f"string:{name}", check=False)
    return "boolean true" in result.stdout


def _target_command(target: str, bundle: Path | None, data_dir: Path, python: str
                    ) -> list[str]:
    if target == "bare":
        return [python, "-c", BARE_PROBE]
    if target == "bare-fixed":
        return [python, "-c", BARE_PROBE, "--with-start-up-fix"]
    app = [sys.executable, "-m", "agent_app"] if target == "app" else [str(bundle / "agent-app")]
    return [*app, "--data-dir", str(data_dir), "--demo", "call", "--number", CALLER]


def _no_ibus_daemon_path(session: Session) -> str:
    """PATH with the folders holding ibus-daemon replaced by links to everything else."""
    shadow = session.home / "bin-without-ibus"
    shadow.mkdir(exist_ok=True)
    kept = []
    for folder in session.env["PATH"].split(os.pathsep):
        if (Path(folder) / "ibus-daemon").exists():
            for tool in Path(folder).iterdir():
                if tool.name != "ibus-daemon" and not (shadow / tool.name).exists():
                    (shadow / tool.name).symlink_to(tool)
            kept.append(str(shadow))
        else:
            kept.append(folder)
    return os.pathsep.join(dict.fromkeys(kept))


def selfcheck_line(session: Session, case: Case, bundle: Path | None) -> str:
    """What `agent-app selfcheck` says about the input method in this session."""
    env = {**session.env, **case.env, "QT_QPA_PLATFORM": "offscreen"}
    if case.hide_ibus_daemon:
        env["PATH"] = _no_ibus_daemon_path(session)
    program = [str(bundle / "agent-app")] if bundle else [sys.executable, "-m", "agent_app"]
    result = subprocess.run([*program, "--data-dir", str(session.home / "selfcheck"),
                             "selfcheck"], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    lines = (result.stdout + result.stderr).splitlines()
    return next((line for line in lines if line.startswith("input method: ")), "(no line)")


GRAB_SCREEN = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
app.primaryScreen().grabWindow(0).save(sys.argv[1])
"""


def grab_screen(session: Session, target: Path) -> None:
    """A picture of the whole X screen, taken by another Qt process (no input method)."""
    env = {**session.env, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, "-c", GRAB_SCREEN, str(target)], env=env, timeout=60,
                   check=True, capture_output=True)


def type_and_read_back(session: Session, case: Case, target: str, bundle: Path | None,
                       python: str = sys.executable, screenshots: Path | None = None) -> str:
    env = {**session.env, **case.env, "QT_QPA_PLATFORM": "xcb"}
    if case.hide_ibus_daemon:
        env["PATH"] = _no_ibus_daemon_path(session)
    data_dir = session.home / f"data-{target}"
    process = subprocess.Popen(_target_command(target, bundle, data_dir, python), env=env,
                               cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=(session.home / f"{case.name}-{target}.log").open("ab"),
                               start_new_session=True)
    session.processes.append(process)
    try:
        window = _focus_window(session, process)
        if not target.startswith("bare"):
            # The demo signs in and opens the caller's intake form; F7 focuses 诉求内容.
            time.sleep(3.0)
            session.run("xdotool", "key", "--window", window, "F7")
        time.sleep(0.5)
        session.run("xdotool", "type", "--delay", "120", TYPED)
        time.sleep(0.5)
        if screenshots is not None:  # the pinyin is being composed now
            grab_screen(session, screenshots / f"composing-{case.name}-{target}.png")
        session.run("xdotool", "key", "space")
        time.sleep(1.0)
        session.run("xdotool", "key", "ctrl+a")
        session.run("xdotool", "key", "ctrl+c")
        time.sleep(0.5)
        copied = session.run("xclip", "-o", "-selection", "clipboard", check=False)
        return copied.stdout.strip() if copied.returncode == 0 else "(nothing copied)"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def has_fcitx_plugin(target: str, bundle: Path | None, python: str) -> bool:
    """Whether the target's Qt gets the fcitx plugin: the bundle's own folder, or (app and the
    start-up-fixed bare target of this interpreter) a checkout's build for exactly this Qt."""
    from agent_app.input_method import built_plugin_dir, input_context_plugins, qt_dir

    if target == "bundle":
        assert bundle is not None
        folder = bundle / "_internal" / "PySide6" / "Qt" / "plugins" / "platforminputcontexts"
        return "fcitx" in input_context_plugins(folder)
    if target == "bare" or python != sys.executable:
        return False
    return built_plugin_dir(qt_dir()) is not None


def _focus_window(session: Session, process: subprocess.Popen[bytes]) -> str:
    """Focus the target's window; the app's first window may be replaced as it starts (the
    sign-in gives way to the main window), so a failed focus looks for the window again."""
    for _attempt in range(5):
        window = _wait_for_window(session, process)
        if session.run("xdotool", "windowfocus", "--sync", window, check=False,
                       timeout=10).returncode == 0:
            return window
        time.sleep(1.0)
    raise RuntimeError("the target's window could not be focused")


def _wait_for_window(session: Session, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the target exited with {process.returncode}")
        found = session.run("xdotool", "search", "--onlyvisible", "--pid", str(process.pid),
                            check=False)
        windows = found.stdout.split()
        if windows:
            return windows[-1]
        time.sleep(0.2)
    raise RuntimeError("no window appeared")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, help="a built bundle (dist/hotline-agent)")
    parser.add_argument("--only", nargs="*", choices=[case.name for case in CASES])
    parser.add_argument("--target", nargs="*", choices=["bare", "bare-fixed", "app", "bundle"])
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter of the bare targets (default: this one)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="save the screen while the pinyin is being composed, per cell")
    parser.add_argument("--selfcheck", action="store_true",
                        help="also print what selfcheck says about the input method, per case")
    args = parser.parse_args()
    missing = [tool for tool in ("Xvfb", "xdotool", "xclip", "dbus-daemon", "dbus-send")
               if not shutil.which(tool)]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install xvfb xdotool xclip dbus-x11)",
              file=sys.stderr)
        return 2
    targets = args.target or ["bare", "app", *(["bundle"] if args.bundle else [])]
    if "bundle" in targets and not (args.bundle and (args.bundle / "agent-app").is_file()):
        parser.error("--target bundle needs --bundle DIR holding agent-app")
    results: list[dict[str, object]] = []
    failed = False
    print(f"| input method / QT_IM_MODULE | {' | '.join(targets)} |")
    print(f"|---|{'---|' * len(targets)}")
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        daemon_binary = DAEMON_BINARIES[case.daemon]
        if not shutil.which(daemon_binary):
            print(f"| {case.description} | skipped: {daemon_binary} not installed |")
            continue
        cells = {}
        for target in targets:
            try:
                with desktop(case.daemon) as session:
                    cells[target] = type_and_read_back(session, case, target, args.bundle,
                                                       args.python, args.screenshots)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                cells[target] = f"error: {exc}"
        expected = [target for target in targets
                    if ("app" if target == "bare-fixed" else target) in case.chinese_expected
                    and (not case.needs_fcitx_plugin
                         or has_fcitx_plugin(target, args.bundle, args.python))]
        failed = failed or any(EXPECTED not in cells[target] for target in expected)
        print(f"| {case.description} | {' | '.join(cells[t] or '(empty)' for t in targets)} |",
              flush=True)
        if args.selfcheck:
            with desktop(case.daemon) as session:
                cells["selfcheck"] = selfcheck_line(session, case, args.bundle)
            print(f"|   selfcheck: {cells['selfcheck']} |", flush=True)
        results.append({"case": case.name, "description": case.description, **cells,
                        "expected": expected})
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
