"""Between calls: nothing of the last caller stays on screen, a screen pop nobody typed into
leaves no draft, and the restore banner does not offer one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from agent_app.storage import ops
from agent_app.ui.intake.screen import DRAFT_KIND, IntakeScreen
from agent_app.ui.kb.panel import KbPanel
from tests.ui.test_intake import fill_dispatchable, outbox_rows, press
from tests.ui.test_kb_panel import ARTICLES, result_ids, search, seed


def make_screen(qtbot, tasks, *, kb: bool = False) -> IntakeScreen:
    screen = IntakeScreen(tasks, actor="op01", kb_panel=KbPanel(tasks) if kb else None)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitUntil(lambda: screen.form.category._index is not None, timeout=10_000)
    return screen


def test_the_next_call_starts_without_the_last_callers_kb_search_article_and_status(
        qtbot, tasks, db):
    seed(db, ARTICLES)
    screen = make_screen(qtbot, tasks, kb=True)
    panel = screen.kb_panel
    assert panel is not None
    search(qtbot, panel, "公积金", "gjj-1")
    panel.open_current()
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    fill_dispatchable(screen)
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: "T" in screen.status.text(), timeout=5000)  # "Saved T…"

    screen.start_call("13900001111")
    assert panel.search_box.text() == ""
    assert result_ids(panel) == []
    assert panel.reader.article is None
    assert "13900001111" in screen.status.text()
    assert screen.history.model.rowCount() == 0


def test_the_saved_message_goes_at_the_next_callers_first_key(qtbot, tasks, db):
    screen = make_screen(qtbot, tasks)
    fill_dispatchable(screen)
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.status.text() != "", timeout=5000)
    screen.form.caller_phone.setFocus()
    press(screen.form.caller_phone, Qt.Key.Key_1)
    assert screen.status.text() == ""


def test_screen_pops_nobody_typed_into_leave_no_draft_and_no_banner(qtbot, tasks, db):
    screen = make_screen(qtbot, tasks)
    for number in ("13900001111", "13900002222", "13900003333"):
        screen.start_call(number)
    screen.save_draft(force=True)
    done: list[object] = []
    tasks.run_db(lambda d: ops.latest_draft(d, DRAFT_KIND), on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [None]


def test_an_old_number_only_draft_is_dropped_not_offered(qtbot, tasks, db):
    ops.autosave_draft(db, "old-pop", DRAFT_KIND, {"caller_phone": "13900001111"})
    ops.autosave_draft(db, "real", DRAFT_KIND, {"caller_phone": "13900002222",
                                                 "content": "小区路灯坏了一个月"})
    screen = make_screen(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.restore_box.isVisible(), timeout=5000)
    assert "13900002222" in screen.restore_text.text()
    screen.discard_offered_draft()
    qtbot.waitUntil(lambda: ops.latest_draft(db, DRAFT_KIND) is None, timeout=5000)
    assert not screen.restore_box.isVisible()
