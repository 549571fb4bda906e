"""What crosses the pipe between the pull worker and the sync thread comes back as it went."""

from __future__ import annotations

import errno
import pickle

import pytest

from agent_app.core.refusals import EPOCH_CHANGED
from agent_app.sync.client import ApiError, ServerAnswerError, TlsError
from agent_app.sync.engine import SyncGapError, SyncReport
from agent_app.sync.pull_worker import PullWorkerError, _add_report, _error_payload, _rebuilt


def crossed(exc: BaseException) -> BaseException:
    """As the worker sends it and the sync thread raises it (through pickle, as a pipe does)."""
    return _rebuilt(pickle.loads(pickle.dumps(_error_payload(exc))))


def test_an_api_refusal_comes_back_with_its_status_message_and_field():
    back = crossed(ApiError(422, "工单内容过长", "content"))
    assert isinstance(back, ApiError)
    assert (back.status, back.message, back.field) == (422, "工单内容过长", "content")


def test_a_named_refusal_comes_back_with_its_code_and_values():
    back = crossed(ApiError(410, "服务器已从备份恢复：本地数据正在重新下载。", None,
                            "epoch_changed", ("x",), None))
    assert isinstance(back, ApiError)
    assert (back.code, back.values, back.sentence) == ("epoch_changed", ("x",), None)
    assert back.refusal is not None and back.refusal.refusal is EPOCH_CHANGED


@pytest.mark.parametrize("exc", [ServerAnswerError("the server's answer was not understood"),
                                 TlsError("certificate expired"),
                                 SyncGapError("a gap at 7"),
                                 OSError(errno.ENOSPC, "disk full", "agent.db")])
def test_the_errors_the_window_explains_come_back_as_the_same_kind(exc):
    back = crossed(exc)
    assert type(back) is type(exc) and str(back) == str(exc)


def test_an_error_that_cannot_cross_is_named_not_lost():
    class UnpicklableError(Exception):  # a class pickle cannot find by name
        pass

    back = crossed(UnpicklableError("x"))
    assert isinstance(back, PullWorkerError) and "UnpicklableError" in str(back)


def test_the_workers_report_is_added_to_the_sync_threads():
    report = SyncReport(pulled=100, quarantined=1)
    _add_report(report, {"pulled": 900, "quarantined": 2, "conflicts": 3, "resynced": True,
                         "recovered": 4, "kb_pulled": 5, "rejected": [[7, "no"]]})
    assert (report.pulled, report.quarantined, report.conflicts, report.recovered,
            report.kb_pulled) == (1000, 3, 3, 4, 5)
    assert report.resynced is True and report.rejected == [(7, "no")]
