"""Screenshots of every screen at the sizes operators use (1366×768, 1920×1080), offscreen,
in Chinese, over a throwaway local database filled with the demo tickets and KB articles.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py artifacts/after [--role lead]

Writes <screen>_<width>x<height>.png into the folder (artifacts/ is not committed). With
--smart-intake, three open tickets about one water cut in one community are added first (a
hotspot), and the intake form is also shot with an appeal typed: its proposals and the hotspot
banner (`*_intake_proposals_*`), and the lead's hotspot alert (`*_hotspot_alert.png`).
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
    parser.add_argument("--smart-intake", action="store_true")
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
        demo = generate_demo_tickets(args.tickets, now=now)
        ops.import_synced_tickets(db, demo + (_water_cut(demo[0], now) if args.smart_intake
                                              else []))
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
                if args.smart_intake and screen.key == "intake":
                    _shoot_proposals(app, window, args.out, f"{args.role}_intake_proposals_"
                                     f"{width}x{height}.png")
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


WATER_CUT = ("公共服务", "供水"), ("新华区", "西高皇街道", "中央花园社区")


def _water_cut(template: dict[str, object], now: datetime) -> list[dict[str, object]]:
    """Three registered tickets of the last two hours about one water cut in one community,
    from three callers: what the hotspot check is for."""
    import uuid
    from datetime import timedelta

    tickets = []
    for n in range(3):
        at = (now - timedelta(minutes=30 * (n + 1))).isoformat()
        tickets.append({**template, "id": f"SHOT-WATER-{n + 1}", "created_at": at,
                        "category": list(WATER_CUT[0]), "location": list(WATER_CUT[1]),
                        "caller": {"name": "王女士", "phone": f"1390375000{n}"},
                        "address": f"中央花园{n + 3}号楼",
                        "content": "小区从早上开始停水了，也没有通知",
                        "demand": "希望尽快恢复供水", "status": "registered", "unit": None,
                        "deadline": None, "redo_count": 0, "answer": None,
                        "events": [{"id": str(uuid.uuid4()), "at": at, "kind": "registered",
                                    "actor": "op01"}]})
    return tickets


def _shoot_proposals(app: object, window: object, out: Path, name: str) -> None:
    """The intake form with an appeal typed as an IME commits it: the proposals, the hotspot
    banner, and (for a lead, once) the hotspot alert the main window raised."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    from agent_app.ui.intake.proposals import HotspotAlert

    form = window.intake.form  # type: ignore[attr-defined]
    form.content.setFocus()
    commit = QInputMethodEvent()
    commit.setCommitString("我住中央花园小区，从早上开始停水了也没人说，电话 138 0375 1234")
    QApplication.sendEvent(form.content, commit)
    settle(app, 1500)
    window.grab().save(str(out / name))  # type: ignore[attr-defined]
    print(out / name)
    form.content.clear()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, HotspotAlert) and widget.isVisible():
            alert = out / name.replace("intake_proposals", "hotspot_alert").split("_1")[0]
            widget.grab().save(f"{alert}.png")
            print(f"{alert}.png")
            widget.close()


def settle(app: object, ms: int) -> None:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[attr-defined]


if __name__ == "__main__":
    raise SystemExit(main())
