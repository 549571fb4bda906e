"""Conflicts and refused changes, opened by the user from the status bar."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtTest import QAbstractItemModelTester

from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.storage import ops
from agent_app.storage.problems import differences, load_problems
from agent_app.ui.sync_problems import SyncProblemsDialog
from tests.factories import make_ticket


def seed_problems(db) -> None:
    local = make_ticket("T-LOCAL")
    server = replace(local, status=TicketStatus.DISPATCHED, unit="市城市管理局")
    mutation_id = ops.register_ticket(db, make_ticket("T-REFUSED"))
    with db.unit_of_work() as uow:
        uow.conflicts.add("T-LOCAL", ticket_to_dict(local), ticket_to_dict(server))
        uow.outbox.reject(mutation_id, "ticket T-REFUSED already exists")
        uow.commit()


def test_differences_name_only_the_fields_that_differ():
    local = ticket_to_dict(make_ticket())
    server = {**local, "unit": "市城市管理局", "events": []}
    assert [(d.field, d.local, d.server) for d in differences(local, server)] == [
        ("unit", "—", "市城市管理局")]


def test_the_dialog_shows_both_kinds_and_settles_them(qtbot, tasks, db):
    seed_problems(db)
    dialog = SyncProblemsDialog(tasks)
    qtbot.addWidget(dialog)
    QAbstractItemModelTester(dialog.model,
                             QAbstractItemModelTester.FailureReportingMode.Fatal, dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    assert "T-LOCAL" in dialog.detail.toPlainText()
    assert "市城市管理局" in dialog.detail.toPlainText()
    dialog.table.selectRow(1)
    assert "already exists" in dialog.detail.toPlainText()

    dialog.settle_current()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    dialog.table.selectRow(0)
    dialog.settle_current()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=5000)
    assert dialog.empty.isVisible() or not dialog.isVisible()
    problems = load_problems(db)
    assert problems.conflicts == [] and problems.rejections == []
    with db.unit_of_work() as uow:
        assert uow.conflicts.open_count() == 0 and uow.outbox.rejected_count() == 0


def test_server_text_is_shown_literally(qtbot, tasks, db):
    mutation_id = ops.register_ticket(db, make_ticket("T-HTML"))
    with db.unit_of_work() as uow:
        uow.outbox.reject(mutation_id, "<img src=x><b>refused</b>")
        uow.commit()
    dialog = SyncProblemsDialog(tasks)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    assert "<img src=x><b>refused</b>" in dialog.detail.toPlainText()
