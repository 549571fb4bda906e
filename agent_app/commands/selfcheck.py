"""`agent-app selfcheck`: the installer's smoke test. Opens and migrates the database, loads Qt,
checks for a Chinese font and says which input method Chinese typing will go through; prints
one line per check."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, open_database


def run_selfcheck(data_dir: Path) -> int:
    try:
        db = open_database(data_dir / DB_FILENAME)
    except CorruptDatabaseError as exc:
        print(f"database: FAILED — {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"database: FAILED — cannot write {data_dir}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"database: ok ({db.path}, revision {db.current_revision()})")
    db.close()

    from agent_app.input_method import prepare_input_method
    from agent_app.qt_check import explain_import_error

    prepare_input_method()  # as the GUI does, so the input-method line says what it will get

    try:
        import PySide6
        from PySide6.QtGui import QGuiApplication
    except ImportError as exc:
        print(f"qt: FAILED — {explain_import_error(exc)}", file=sys.stderr)
        return 1
    print(f"qt: ok (PySide6 {PySide6.__version__})")

    # The offscreen platform needs no display, so this works in an installer's shell too.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    from agent_app.ui.fonts import has_cjk_font, missing_font_message

    if has_cjk_font():
        print("fonts: ok (a Simplified Chinese font is installed)")
    else:
        print(f"fonts: WARNING — {missing_font_message()}", file=sys.stderr)
    del app
    if sys.platform.startswith("linux"):
        from agent_app.input_method import current_report

        report = current_report()
        if report.ok:
            print(f"input method: {report.line}")
        else:
            print(f"input method: WARNING — {report.line}", file=sys.stderr)
    return 0
