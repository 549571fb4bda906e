"""`agent-app` without a subcommand (or `call` with no running instance): the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def launch_gui(data_dir: Path, args: argparse.Namespace) -> int:
    from agent_app.qt_check import explain_import_error, missing_xcb_libraries, package_hint

    missing = missing_xcb_libraries()
    if missing:
        for library in missing:
            print(package_hint(library), file=sys.stderr)
        return 3
    from agent_app.gc_pause import cyclic_gc_paused
    from agent_app.input_method import prepare_input_method
    from agent_app.preload import import_before_qt

    prepare_input_method()  # Qt reads the input-method variables once, at the QApplication
    # Imports make many objects and no garbage: without the cyclic collector, about a tenth
    # less CPU before the first paint (0.35 s instead of 0.40 s).
    with cyclic_gc_paused():
        import_before_qt()
        try:
            from agent_app.ui.app import GuiOptions, run_gui
        except ImportError as exc:
            print(explain_import_error(exc), file=sys.stderr)
            return 3
    return run_gui(GuiOptions(data_dir=data_dir, server_url=args.server_url, demo=args.demo,
                              language=args.language,
                              call_number=args.number if args.command == "call" else None,
                              screenshot=args.screenshot, quit_after_ms=args.quit_after_ms))
