"""The month's network tables from interchange lines, and the input errors the report no
longer lets through: unknown event kinds and rating words of another vocabulary."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.interchange import InterchangeError, ticket_to_dict
from agent_app.core.network import shipped_network
from agent_app.core.network_report import check_missed_call, compute_network_tables
from agent_app.core.reports import Month, report_ticket_from_dict
from agent_app.paths import resources_dir
from tests.factories import make_ticket

MONTH = Month(2026, 11)
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=CHINA_TZ)  # a Tuesday
CATALOGUE = Catalogue.load(resources_dir() / "catalogues")
NETWORK = shipped_network()


def line(ticket_id: str, *events: tuple[int, str, dict[str, Any]], **fields: Any
         ) -> dict[str, Any]:
    data = ticket_to_dict(make_ticket(ticket_id))
    data["created_at"] = T0.isoformat()
    data["events"] = [{"id": f"{ticket_id}-0", "at": T0.isoformat(), "kind": "registered",
                       "actor": "op01"}]
    for number, (minutes, kind, extra) in enumerate(events, start=1):
        data["events"].append({"id": f"{ticket_id}-{number}",
                               "at": (T0 + timedelta(minutes=minutes)).isoformat(),
                               "kind": kind, "actor": "x", **extra})
    data.update(fields)
    return data


def tables(tickets: list[dict[str, Any]], missed: list[dict[str, Any]] | None = None):
    return compute_network_tables(tickets, missed or [], MONTH, network=NETWORK,
                                  catalogue=CATALOGUE, calendar=WorkingCalendar())


def test_each_level_counts_its_own_work_and_acceptance_in_time_follows_the_kind():
    critical = line("T-1", (1, "dispatched", {"unit": "新华区"}),
                    (10, "accepted", {"unit": "新华区"}),  # within 15 minutes
                    (11, "passed_down", {"from_unit": "新华区",
                                         "to_unit": "新华区西高皇街道办事处"}),
                    (40, "accepted", {"unit": "新华区西高皇街道办事处"}),  # 29 min: late here
                    urgency="critical")
    ordinary = line("T-2", (1, "dispatched", {"unit": "新华区"}),
                    (60 * 20, "accepted", {"unit": "新华区"}))  # within one working day
    result = tables([critical, ordinary])
    rows = {row.unit: row for row in result.units}
    assert (rows["新华区"].received, rows["新华区"].accepted_in_time) == (2, 2)
    assert rows["新华区"].passed_down == 1
    street = rows["新华区西高皇街道办事处"]
    assert (street.received, street.accepted, street.accepted_in_time) == (1, 1, 0)
    assert (street.level, street.group) == ("street", "streets")
    assert rows["新华区"].group == "districts"


def test_transfers_by_target_and_registered_here_against_handed_down():
    result = tables([
        line("T-1", (1, "transferred", {"target": "110", "reason": "报警"})),
        line("T-2", (1, "transferred", {"target": "12315", "reason": "消费"})),
        line("T-3", (1, "transferred", {"target": "110", "reason": "纠纷"})),
        line("T-4", (1, "dispatched", {"unit": "汝州市"})),  # the city hands it down
        line("T-5", (1, "dispatched", {"unit": "汝州市杨楼镇"})),  # registered at 汝州
        line("T-6", (1, "dispatched", {"unit": "市住建局"})),
    ])
    assert result.transfers == {"110": 2, "12315": 1}
    assert result.handed_down == {"汝州市分中心": 1}
    assert result.registered_here == {"汝州市分中心": 1, "平顶山市12345民呼必应指挥中心": 1}


def test_missed_calls_called_back_reached_and_within_the_policy_time():
    def call(ident: str, *callbacks: tuple[int, bool]) -> dict[str, Any]:
        events = [{"kind": "missed_call", "at": T0.isoformat(), "number": "13800000000"}]
        events += [{"kind": "missed_callback", "at": (T0 + timedelta(minutes=m)).isoformat(),
                    "reached": reached} for m, reached in callbacks]
        record = {"record": "missed_call", "id": ident, "events": events}
        check_missed_call(record)
        return record

    result = tables([], [call("M-1", (10, True)), call("M-2", (45, False), (50, True)),
                         call("M-3"), call("M-4", (20, False))])
    missed = result.missed_calls
    assert (missed.missed, missed.called_back, missed.reached, missed.within_policy) == (
        4, 3, 2, 2)
    with pytest.raises(InterchangeError):
        check_missed_call({"record": "missed_call", "id": "M-9",
                           "events": [{"kind": "missed_cal", "at": T0.isoformat()}]})


def test_an_unknown_event_kind_is_an_error_not_skipped():
    with pytest.raises(InterchangeError, match="unknown event kind"):
        report_ticket_from_dict(line("T-1", (1, "dispatchd", {"unit": "新华区"})))
    with pytest.raises(InterchangeError, match="unknown event kind"):
        report_ticket_from_dict(line("T-1", (1, "passed_dwn", {})))
    report_ticket_from_dict(line("T-1", (1, "passed_down", {"from_unit": "新华区",
                                                            "to_unit": "新华区西高皇街道办事处"})))


@pytest.mark.parametrize("word", ["满意", "基本满意", "不满意", "Satisfied", "good"])
def test_rating_words_of_another_vocabulary_are_errors(word):
    with pytest.raises(InterchangeError, match="unknown rating"):
        report_ticket_from_dict(line("T-1", (1, "callback", {
            "reached": True, "result": word, "process": "satisfied"})))
