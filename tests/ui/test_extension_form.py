"""The extension decision form warns before Confirm when the new deadline would already
have passed (the core refuses such an approval)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from agent_app.core.actions import FollowUp
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.models import TicketEvent, new_event_id
from agent_app.storage.reference import load_reference
from agent_app.ui.ticket.panel import CommandPanel
from tests.factories import make_ticket


def overdue_with_request(days_overdue: int):
    now = datetime.now(CHINA_TZ)
    base = make_ticket("T-LATE", status=TicketStatus.ACCEPTED)
    request = TicketEvent(new_event_id(), now, "extension", "unit01",
                          {"decision": "pending", "reason": "需协调",
                           "requested_deadline": (now + timedelta(days=3)).isoformat()})
    return replace(base, unit="市城市管理局", deadline=now - timedelta(days=days_overdue),
                   events=[*base.events, request])


def test_an_approval_that_lands_in_the_past_is_flagged_until_enough_days_are_chosen(qtbot, db):
    panel = CommandPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_for(FollowUp.EXTENSION_DECISION, overdue_with_request(40), load_reference(db))
    panel.days_spin.setValue(1)
    assert panel.error.isVisible() and panel.error.text()
    panel.days_spin.setValue(60)  # 60 working days after a 40-day-old deadline: in the future
    assert not panel.error.text()
    panel.deny_radio.setChecked(True)
    assert not panel.error.text()
