"""Screenshots of every screen at the sizes operators use (1366×768, 1920×1080), offscreen,
in Chinese, over a throwaway local database filled with the demo tickets and KB articles.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py artifacts/after [--role lead]

Writes <screen>_<width>x<height>.png into the folder (artifacts/ is not committed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = ((1366, 768), (1920, 1080))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--role", default="lead", choices=["operator", "lead"])
    parser.add_argument("--tickets", type=int, default=400)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from agent_app.core.calendar import CHINA_TZ
    from agent_app.core.enums import Role
    from agent_app.demo.generate import generate_demo_tickets
    from agent_app.demo.runtime import demo_articles
    from agent_app.storage import ops
    from agent_app.storage.database import open_database
    from agent_app.sync.client import CentralClient, SignedIn, UserProfile
    from agent_app.tasks import TaskRunner
    from agent_app.ui.i18n import install_translator
    from agent_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    install_translator(app, "zh_CN")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        now = datetime.now(CHINA_TZ)
        ops.import_synced_tickets(db, generate_demo_tickets(args.tickets, now=now))
        ops.import_kb_articles(db, demo_articles())
        tasks = TaskRunner(db)
        role = Role.LEAD if args.role == "lead" else Role.OPERATOR
        name = "班长张" if role is Role.LEAD else "话务员李"
        user = "lead01" if role is Role.LEAD else "op01"
        window = MainWindow(tasks, SignedIn("http://127.0.0.1:9", UserProfile(
            user, name, role, None), None, offline=True),
            CentralClient("http://127.0.0.1:9", timeout=(0.2, 0.2)), health_check_ms=600_000,
            sync_ms=600_000)
        window.show()
        settle(app, 1500)
        for width, height in SIZES:
            window.resize(width, height)
            for row, screen in enumerate(window.screens):
                window.nav.setCurrentRow(row)
                settle(app, 700)
                path = args.out / f"{args.role}_{screen.key}_{width}x{height}.png"
                window.grab().save(str(path))
                print(path)
                table = getattr(screen.widget, "table", None)
                tables = getattr(screen.widget, "tables", None)
                if table is None and tables:  # the review screen: its first list with rows
                    table = next((t for t in tables.values() if t.model().rowCount()), None)
                    if table is not None:
                        screen.widget.tabs.setCurrentWidget(table)
                if table is not None and table.model().rowCount():
                    # The same screen with a ticket chosen (the detail and its actions).
                    table.setFocus()
                    table.selectRow(min(20, table.model().rowCount() - 1))
                    settle(app, 700)
                    detail = getattr(screen.widget, "detail", None)
                    offered = sorted(detail.offered()) if detail is not None else []
                    if offered:  # an action form open, as the lead sees it before Confirm
                        detail.start(offered[0])
                        settle(app, 300)
                    chosen = args.out / f"{args.role}_{screen.key}_chosen_{width}x{height}.png"
                    window.grab().save(str(chosen))
                    print(chosen)
                panel = getattr(screen.widget, "panel", None)
                if screen.key == "kb" and panel is not None:
                    # A caller's words, not an article's: the results and the reader.
                    panel.search_box.setText("房子贷款还完了抵押咋解")
                    settle(app, 1500)
                    panel.results.setCurrentIndex(panel.results.model().index(0, 0))
                    settle(app, 500)
                    searched = args.out / f"{args.role}_kb_searched_{width}x{height}.png"
                    window.grab().save(str(searched))
                    print(searched)
                    panel.search_box.clear()
        window.close()
        tasks.shutdown()
        db.close()
    return 0


def settle(app: object, ms: int) -> None:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[attr-defined]


if __name__ == "__main__":
    raise SystemExit(main())
