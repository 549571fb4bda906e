"""The demo's handling units: a thread that accepts, replies to and now and then returns the
tickets dispatched to them, a few seconds apart, so the whole loop is visible in `--demo`."""

from __future__ import annotations

import logging
import random
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent_app.core.enums import TicketStatus
from agent_app.core.lifecycle import WITH_UNIT_STATES, Action
from central_api.models import TicketRecord
from central_api.workflow import WorkflowError, perform

log = logging.getLogger(__name__)

REPLIES = (
    "经现场核实，来电人反映情况属实，已安排工作人员处理完毕，并电话告知来电人。",
    "已联系相关责任单位，问题已于今日整改到位，后续将加强日常巡查。",
    "已向来电人解释相关政策，来电人表示理解。",
)


class UnitSimulator:
    def __init__(self, sessions: sessionmaker[Session], *, interval: float = 4.0,
                 seed: int = 7, return_rate: float = 0.1) -> None:
        self._sessions = sessions
        self._return_rate = return_rate
        self._interval = interval
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="unit-simulator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def step(self) -> str | None:
        """Move one ticket one step along; returns what was done, for logs and tests."""
        with self._sessions() as session:
            record = session.scalars(
                select(TicketRecord).where(
                    TicketRecord.status.in_([state.value for state in WITH_UNIT_STATES]),
                    TicketRecord.unit.is_not(None), TicketRecord.deleted.is_(False))
                .order_by(TicketRecord.version).limit(1)).first()
            if record is None or record.unit is None:
                return None
            ticket_id, unit = record.id, record.unit
            kind: Action
            if record.status == TicketStatus.DISPATCHED.value:
                kind, data = (Action.RETURN, {"reason": "经核实，该事项不属于本单位职责范围"}) \
                    if self._rng.random() < self._return_rate else (Action.ACCEPT, {})
            else:
                kind, data = Action.REPLY, {"text": self._rng.choice(REPLIES)}
            try:
                perform(session, ticket_id, unit, kind, data)
            except WorkflowError as exc:
                session.rollback()
                log.warning("simulated unit could not act on %s: %s", ticket_id, exc)
                return None
            return f"{unit} {kind} {ticket_id}"

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                done = self.step()
            except Exception:  # a demo helper must never take the server down
                log.exception("unit simulator step failed")
                continue
            if done:
                log.info("unit simulator: %s", done)
