"""core, storage, sync and search must import without PySide6 (DESIGN.md §3), and so must the
server, which a server host installs without it (tests/integration/test_server_install.py)."""

import importlib.util
import subprocess
import sys

import agent_app

QT_FREE = ["agent_app.core", "agent_app.storage", "agent_app.sync", "agent_app.search",
           "agent_app.demo", "central_api"]


def test_qt_free_packages_and_all_their_modules_import_with_pyside6_blocked():
    present = [name for name in QT_FREE if importlib.util.find_spec(name) is not None]
    assert {"agent_app.core", "agent_app.storage", "agent_app.sync", "central_api"} <= set(present)
    script = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['PySide6'] = None  # any import of it now raises ImportError\n"
        f"for package in {present!r}:\n"
        "    module = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(module.__path__, package + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "assert not any(name.startswith('PySide6.') for name in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=str(agent_app.__path__[0] + "/.."), timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_what_the_gui_imports_before_qt_is_qt_free():
    # Importing PySide6 in there would bring back the cost it exists to avoid (agent_app.preload).
    # Nor SQLAlchemy: the window's frame is painted before the cache is opened.
    script = ("import sys\nsys.modules['PySide6'] = None\n"
              "from agent_app.preload import import_before_qt\nimport_before_qt()\n"
              "print('sqlalchemy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=str(agent_app.__path__[0] + "/.."), timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
