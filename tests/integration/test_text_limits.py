"""One rule for the texts of ticket commands (core/wire's limits), on both ways a change reaches
a real central API: a unit's endpoint and a client's push. A reason says why, so one
character is refused by both, and so is a text that is only long enough with its spaces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_app.core.actions import R_REASON, CommandRefusedError, TicketCommand
from agent_app.core.enums import TicketStatus
from agent_app.core.i18n import translated
from agent_app.core.lifecycle import Action
from agent_app.core.wire import MIN_REASON_CHARS
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import ApiError
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from tests.clients import signed_in
from tests.factories import make_ticket

UNIT = "市城市管理局"  # the demo unit account unit-cgj
TOO_SHORT = ("错", " 错 ", "")


@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def lead_command(kind: Action, **data: str) -> TicketCommand:
    return TicketCommand("T-1", kind, datetime.now(UTC), "lead01", data)


def test_a_one_character_reason_is_refused_by_a_unit_endpoint_and_by_a_push_alike(server,
                                                                                   tmp_path):
    assert MIN_REASON_CHARS == 2
    db = open_database(tmp_path / "lead.db")
    try:
        engine = SyncEngine(db, signed_in(server.url, "lead01"))
        ops.register_ticket(db, make_ticket("T-1"))
        ops.perform_ticket_command(db, lead_command(Action.DISPATCH, unit=UNIT))
        engine.sync_once()

        unit = signed_in(server.url, "unit-cgj")
        for reason in TOO_SHORT:
            with pytest.raises(ApiError) as refused:
                unit.post("/unit/tickets/T-1/return", {"reason": reason})
            assert refused.value.status == 422, reason
        assert unit.post("/unit/tickets/T-1/return", {"reason": " 错派 "})["status"] == "returned"
        engine.sync_once()

        # The lead's client refuses a short reason itself; a client that skipped its own
        # check (pushing the command as it is) meets the same rule on the server.
        for reason in TOO_SHORT:
            with pytest.raises(CommandRefusedError):
                ops.perform_ticket_command(db, lead_command(Action.REJECT_RETURN,
                                                            reason=reason))
            with db.unit_of_work() as uow:
                uow.outbox.add(ops.OP_TICKET_ACTION, "T-1",
                               lead_command(Action.REJECT_RETURN, reason=reason).to_dict())
                uow.commit()
            report = engine.sync_once()
            assert [why for _id, why in report.rejected] == [translated(R_REASON)], reason

        ops.perform_ticket_command(db, lead_command(Action.REJECT_RETURN, reason=" 请办 "))
        report = engine.sync_once()
        assert (report.rejected, report.conflicts) == ([], 0)
        with db.unit_of_work() as uow:
            ticket = uow.tickets.get("T-1")
        assert ticket is not None and ticket.status is TicketStatus.DISPATCHED
        assert ticket.events[-1].data["reason"] == "请办"
    finally:
        db.close()
