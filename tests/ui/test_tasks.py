import datetime
import threading

from agent_app.storage import ops
from agent_app.tasks import Changes, Topic
from tests.factories import make_ticket


def test_db_work_runs_off_the_gui_thread_and_results_come_back_on_it(qtbot, tasks):
    seen: dict[str, object] = {}

    def job(db):
        seen["worker"] = threading.current_thread().name
        return ops.register_ticket(db, make_ticket())

    def done(result):
        seen["result"] = result
        seen["delivered_on"] = threading.current_thread()

    with qtbot.waitSignal(tasks.changes, timeout=5000) as blocker:
        tasks.run_db(job, on_done=done, changes=frozenset({Topic.TICKETS, Topic.OUTBOX}))
    assert seen["worker"].startswith("db-worker")
    assert seen["delivered_on"] is threading.main_thread()
    assert seen["result"] == 1
    changes: Changes = blocker.args[0]
    assert changes.touches(Topic.OUTBOX) and not changes.touches(Topic.KB)


def test_errors_reach_the_error_handler_on_the_gui_thread(qtbot, tasks):
    errors: list[BaseException] = []

    def boom(_db):
        raise RuntimeError("disk full")

    tasks.run_db(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "disk full"


def test_unhandled_errors_are_announced_not_swallowed(qtbot, tasks):
    with qtbot.waitSignal(tasks.failed, timeout=5000) as blocker:
        tasks.run_net(lambda: 1 / 0)
    assert "division" in blocker.args[0]


def test_db_tasks_run_in_submission_order(qtbot, tasks):
    order: list[int] = []
    for n in range(20):
        tasks.run_db(lambda _db, n=n: n, on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 20, timeout=5000)
    assert order == list(range(20))


def test_nothing_is_delivered_after_shutdown(qtbot, tasks):
    delivered: list[int] = []
    ran: list[int] = []
    tasks.shutdown()
    future = tasks.run_db(lambda _db: ran.append(1), on_done=delivered.append)
    qtbot.wait(100)
    assert future.cancelled()
    assert ran == [] and delivered == []


def test_held_network_jobs_wait_for_the_release_and_db_jobs_do_not(qtbot, tasks):
    ran: list[str] = []
    delivered: list[str] = []
    tasks.hold_background()
    held = tasks.run_net(lambda: ran.append("net") or "net", on_done=delivered.append)
    tasks.run_sync(lambda _db: ran.append("sync") or "sync", on_done=delivered.append)
    tasks.run_db(lambda _db: ran.append("db") or "db", on_done=delivered.append)
    qtbot.waitUntil(lambda: delivered == ["db"], timeout=5000)
    qtbot.wait(50)
    assert ran == ["db"] and not held.done()
    tasks.release_background()
    qtbot.waitUntil(lambda: sorted(delivered) == ["db", "net", "sync"], timeout=5000)
    assert held.result() == "net"


def test_held_jobs_are_cancelled_at_shutdown(qtbot, tasks):
    ran: list[int] = []
    tasks.hold_background()
    future = tasks.run_net(lambda: ran.append(1))
    tasks.shutdown()
    tasks.release_background()
    qtbot.wait(50)
    assert future.cancelled() and ran == []


def test_what_a_job_committed_is_published_without_the_caller_naming_it(qtbot, tasks):
    with qtbot.waitSignal(tasks.changes, timeout=5000) as blocker:
        tasks.run_db(lambda db: ops.register_ticket(db, make_ticket("T-9")))
    changes: Changes = blocker.args[0]
    assert changes.topics == {Topic.TICKETS, Topic.OUTBOX} and changes.ticket_ids == {"T-9"}
    # A read publishes nothing; the next change published is the autosave's.
    seen: list[Changes] = []
    tasks.changes.connect(seen.append)
    tasks.run_db(lambda db: ops.load_overview(db, make_ticket().created_at))
    with qtbot.waitSignal(tasks.changes, timeout=5000):
        tasks.run_db(lambda db: ops.autosave_draft(db, "d-1", "intake", {"caller_name": "张"}))
    assert [c.topics for c in seen] == [{Topic.DRAFTS}]


def test_a_failed_job_publishes_only_what_it_committed_before_failing(qtbot, tasks):
    errors: list[BaseException] = []

    def half_done(db):
        ops.register_ticket(db, make_ticket("T-HALF"))
        raise RuntimeError("the network went away")

    with qtbot.waitSignal(tasks.changes, timeout=5000) as blocker:
        tasks.run_sync(half_done, on_error=errors.append,
                       changes=frozenset({Topic.SYNC}))  # said only for a job that succeeds
    assert errors and blocker.args[0].ticket_ids == {"T-HALF"}
    assert not blocker.args[0].touches(Topic.SYNC)


def test_the_reference_data_is_read_once_for_every_command_until_it_changes(qtbot, tasks, db):
    from agent_app.core.lifecycle import SideEvent
    from agent_app.storage.reference import store_reference
    from agent_app.ui.ticket.commands import CommandRunner

    ops.register_ticket(db, make_ticket("T-1"))
    runner = CommandRunner(tasks)
    saved: list[str] = []
    runner.saved.connect(saved.append)
    references: list[object] = []
    tasks.with_reference(references.append)
    for n in range(5):
        runner.submit("T-1", SideEvent.NOTE, {"text": f"补充 {n}"}, "op01")
    tasks.with_reference(references.append)
    qtbot.waitUntil(lambda: len(saved) == 5 and len(references) == 2, timeout=10_000)
    assert tasks.reference_loads == 1 and references[0] is references[1]

    stored = {"calendar_overrides": [{"date": "2026-12-31", "workday": False, "note": "调休"}]}
    with qtbot.waitSignal(tasks.changes, timeout=5000,
                          check_params_cb=lambda c: c.touches(Topic.REFERENCE)):
        tasks.run_sync(lambda db: store_reference(db, stored, "2026-11-23T00:00:00+00:00"))
    tasks.with_reference(references.append)
    qtbot.waitUntil(lambda: len(references) == 3, timeout=5000)
    assert tasks.reference_loads == 2 and references[2] is not references[1]
    assert not references[2].calendar.is_workday(datetime.date(2026, 12, 31))


def test_changes_an_op_returns_are_published_with_what_was_recorded(qtbot, tasks):
    from dataclasses import dataclass

    from agent_app.core.changes import OpChanges

    @dataclass
    class Report:  # as a sync's report carries what its pull worker wrote
        changes: OpChanges

    said = OpChanges.of(Topic.TICKETS, Topic.SYNC, ticket_ids={"T-FROM-WORKER"})
    with qtbot.waitSignal(tasks.changes, timeout=5000) as blocker:
        tasks.run_sync(lambda db: (ops.autosave_draft(db, "d", "intake", {}), Report(said))[1])
    assert blocker.args[0] == said | OpChanges.of(Topic.DRAFTS)


def test_a_result_for_a_widget_deleted_meanwhile_goes_nowhere(qtbot, tasks):
    import shiboken6
    from PySide6.QtWidgets import QLabel

    release = threading.Event()
    label = QLabel()
    tasks.run_db(lambda _db: release.wait(5) and "late", on_done=label.setText)
    survivor: list[str] = []
    tasks.run_db(lambda _db: "kept", on_done=survivor.append)
    shiboken6.delete(label)  # the screen closed while its job ran
    release.set()
    qtbot.waitUntil(lambda: survivor == ["kept"], timeout=5000)  # and nothing raised before


class _Held:
    """Stands for a widget a job's closure holds: notes the thread it is let go on."""

    def __init__(self, freed_on: list[threading.Thread]) -> None:
        self._freed_on = freed_on

    def __del__(self) -> None:
        self._freed_on.append(threading.current_thread())


def _let_go_on(qtbot, tasks, *, fails: bool) -> list[threading.Thread]:
    """The threads a job's held object was let go on, once its outcome is delivered."""
    freed_on: list[threading.Thread] = []
    delivered: list[object] = []
    held = _Held(freed_on)

    def job(held=held) -> int:
        if fails:
            raise ValueError(repr(held))  # the traceback's frame holds `held`
        return id(held)

    future = tasks.run_net(job, on_done=delivered.append, on_error=delivered.append)
    del job, held
    qtbot.waitUntil(lambda: bool(delivered), timeout=5000)
    future.exception()  # the worker is done with it
    del future
    delivered.clear()
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    return freed_on


def test_what_a_job_holds_is_let_go_on_the_gui_thread_whether_it_fails_or_not(qtbot, tasks):
    # Qt tears a widget down on the thread its last reference goes on; on a worker it crashes.
    for fails in (False, True, False, True):
        assert _let_go_on(qtbot, tasks, fails=fails) == [threading.main_thread()]
