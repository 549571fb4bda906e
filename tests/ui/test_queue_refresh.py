"""The queue after its first read takes in changes row by row (issue #20): told which tickets
changed, it reads only those, and the table gets row signals for them only — changed rows
repainted or moved, new ones inserted in sort order, removed and filtered-out ones taken out —
with the selection and the scroll position kept, and the same rows as a fresh screen shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from agent_app.core.actions import TicketCommand
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import SideEvent
from agent_app.core.queue import Column, SavedView
from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.storage.schema import SyncState
from agent_app.ui.queue.screen import QueueScreen
from tests.factories import make_ticket

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)
TICKETS = 40


def ticket(n: int, *, days: int | None = None):
    made = make_ticket(f"T-{n:03d}", status=TicketStatus.ACCEPTED)
    return replace(made, unit="市城市管理局", created_at=NOW - timedelta(hours=n),
                   deadline=NOW + timedelta(days=days if days is not None else n % 7 + 1))


@pytest.fixture
def filled(db: Database) -> Database:
    ops.import_synced_tickets(db, [ticket_to_dict(ticket(n)) for n in range(TICKETS)])
    return db


class Signals:
    """What the model told the view."""

    def __init__(self, model) -> None:
        self.resets = self.inserted = self.removed = 0
        self.changed: list[tuple[int, int]] = []
        model.modelReset.connect(lambda: self._count("resets"))
        model.rowsInserted.connect(lambda _p, first, last: self._count("inserted",
                                                                       last - first + 1))
        model.rowsRemoved.connect(lambda _p, first, last: self._count("removed",
                                                                      last - first + 1))
        model.dataChanged.connect(lambda top, bottom, _roles=(): self.changed.append(
            (top.row(), bottom.row())))

    def _count(self, name: str, rows: int = 1) -> None:
        setattr(self, name, getattr(self, name) + rows)


def shown_ids(screen: QueueScreen) -> list[str]:
    return [screen.model.id_at(n) for n in range(screen.model.rowCount())]


def open_screen(qtbot, tasks) -> QueueScreen:
    screen = QueueScreen(tasks, role=Role.LEAD, actor="op01", now=lambda: NOW)
    QAbstractItemModelTester(screen.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.addWidget(screen)
    screen.resize(1366, 400)  # a short window: the list scrolls
    screen.show()
    qtbot.waitUntil(lambda: screen.snapshot is not None and screen.snapshot.complete
                    and not screen._loading and screen.model.rowCount() > 0, timeout=10_000)
    return screen


def settle(qtbot, screen: QueueScreen) -> None:
    qtbot.waitUntil(lambda: not screen._loading and not screen._changed_ids, timeout=10_000)


def same_as_a_fresh_screen(qtbot, tasks, screen: QueueScreen) -> None:
    fresh = open_screen(qtbot, tasks)
    fresh.table.sortByColumn(screen.model.sort_column,
                             Qt.SortOrder.DescendingOrder if screen.model.descending
                             else Qt.SortOrder.AscendingOrder)
    fresh.show_view(screen.current_view())
    fresh.filter_edit.setText(screen.filter_edit.text())
    fresh.apply_filter()
    assert shown_ids(screen) == shown_ids(fresh)
    assert [screen.model.row_at(n) for n in range(screen.model.rowCount())] == \
        [fresh.model.row_at(n) for n in range(fresh.model.rowCount())]
    fresh.close()


def test_changed_new_and_removed_tickets_move_only_their_rows(qtbot, tasks, filled):
    screen = open_screen(qtbot, tasks)
    screen.table.sortByColumn(Column.DEADLINE, Qt.SortOrder.AscendingOrder)
    assert screen.select_ticket("T-030")
    screen.table.verticalScrollBar().setValue(5)
    scrolled = screen.table.verticalScrollBar().value()
    signals = Signals(screen.model)

    # A note (the row stays where it is), a deadline moved (the row moves), a new ticket, a
    # ticket gone from the cache.
    ops.perform_ticket_command(filled, TicketCommand("T-010", SideEvent.NOTE, NOW, "op01",
                                                     {"text": "来电人补充"}))
    with filled.unit_of_work() as uow:
        uow.tickets.store_from_server(ticket(20, days=30), 2)
        uow.tickets.delete("T-005")
        uow.commit()
    ops.import_synced_tickets(filled, [ticket_to_dict(ticket(99, days=0))])
    screen.refresh_tickets({"T-010", "T-020", "T-005", "T-099"})
    settle(qtbot, screen)

    ids = shown_ids(screen)
    assert "T-005" not in ids and "T-099" in ids
    assert ids[-1] == "T-020"  # thirty days: the latest deadline now
    assert screen.model.row_at(ids.index("T-010")).sync_state == SyncState.UNSENT.value
    assert (signals.resets, signals.inserted, signals.removed) == (0, 2, 2)  # moved: out, in
    assert len(signals.changed) == 1  # T-010, repainted where it is
    assert shown_ids(screen)[screen.table.currentIndex().row()] == "T-030"
    assert screen.table.verticalScrollBar().value() == scrolled
    assert screen.views.item(0).text().endswith(f"({TICKETS})")  # one in, one out
    same_as_a_fresh_screen(qtbot, tasks, screen)


def test_a_row_that_leaves_the_view_or_the_filter_is_taken_out(qtbot, tasks, filled):
    screen = open_screen(qtbot, tasks)
    screen.show_view(SavedView.UNSENT)
    assert shown_ids(screen) == []
    for ticket_id in ("T-001", "T-002", "T-003"):
        ops.perform_ticket_command(filled, TicketCommand(ticket_id, SideEvent.NOTE, NOW,
                                                         "op01", {"text": "补充"}))
    screen.refresh_tickets({"T-001", "T-002", "T-003"})
    settle(qtbot, screen)
    assert shown_ids(screen) == ["T-001", "T-002", "T-003"]  # newest first
    screen.filter_edit.setText("t-00")
    screen.apply_filter()
    assert screen.select_ticket("T-003")
    signals = Signals(screen.model)
    with filled.unit_of_work() as uow:  # what the push acknowledgement does
        uow.outbox.acknowledge([m.mutation_id for m in uow.outbox.pending(10)
                                if m.entity_id == "T-002"])
        uow.tickets.set_sync_state("T-002", SyncState.SYNCED, 3)
        uow.commit()
    screen.refresh_tickets({"T-002"})
    settle(qtbot, screen)
    assert shown_ids(screen) == ["T-001", "T-003"]
    assert (signals.resets, signals.inserted, signals.removed) == (0, 0, 1)
    assert shown_ids(screen)[screen.table.currentIndex().row()] == "T-003"
    same_as_a_fresh_screen(qtbot, tasks, screen)


def test_ids_told_while_hidden_are_read_when_shown(qtbot, tasks, filled):
    screen = open_screen(qtbot, tasks)
    screen.hide()
    ops.perform_ticket_command(filled, TicketCommand("T-004", SideEvent.NOTE, NOW, "op01",
                                                     {"text": "补充"}))
    screen.refresh_tickets({"T-004"})
    assert screen._changed_ids == {"T-004"}  # nothing read while hidden
    screen.show()
    settle(qtbot, screen)
    row = screen.model.row_of("T-004")
    assert row is not None and screen.model.row_at(row).sync_state == SyncState.UNSENT.value
