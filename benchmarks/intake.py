"""Intake budgets (issue: call-intake form), with 100k tickets in the local cache.

- submit: the whole save of a form — the five-element check, building the ticket with its
  deadline, and the Unit of Work writing ticket + outbox mutation (synchronous=FULL). p95 ≤ 20 ms.
- form ready: the time the GUI thread spends in `submit` before the form is empty and ready
  for the next call (the save itself runs on the DB worker). Target < 100 ms.
- category filter: type-to-filter over the catalogue by name, code and pinyin. p95 ≤ 10 ms.
- caller history: the caller's earlier tickets plus the repeat-appeal query. p95 ≤ 10 ms.

    python benchmarks/intake.py [--tickets 100000] [--runs 300]

Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from agent_app.core.calendar import CHINA_TZ  # noqa: E402
from agent_app.core.category_search import CategoryIndex  # noqa: E402
from agent_app.core.completeness import Outcome  # noqa: E402
from agent_app.core.intake import IntakeState, build_ticket, check  # noqa: E402
from agent_app.storage import ops  # noqa: E402
from agent_app.storage.callers import caller_history, repeat_candidates  # noqa: E402
from agent_app.storage.database import open_database  # noqa: E402
from agent_app.storage.reference import load_reference  # noqa: E402
from benchmarks.common import address_of, fill_cache, percentile  # noqa: E402
from tests.factories import make_ticket  # noqa: E402

CATEGORY_QUERIES = ["噪音", "zyrm", "0103", "gjj", "医保", "路灯", "zhufang", "拖欠", "w", "社保",
                    "gongjijin", "0", "交通", "yb", "供暖"]


def timed_ms(action) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def form_state(n: int, now) -> IntakeState:
    return IntakeState(
        caller_phone=f"139{n:08d}", caller_name="王女士", appeal_type="complaint",
        category=("城市管理", "路灯照明"), location=("卫东区", "五一路街道", "五一路社区"),
        address=f"五一路{n}号", content="校门口两侧路灯长期不亮，晚上接孩子很不安全。",
        demand="尽快修复", unit="卫东区五一路街道办事处", received_at=now.isoformat())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "agent.db")
        fill_seconds = fill_cache(db, args.tickets)
        print(f"filled {args.tickets} tickets in {fill_seconds:.1f} s")
        reference = load_reference(db)
        now = make_ticket().created_at + timedelta(hours=1)

        submit = []
        for n in range(args.runs):
            state = form_state(n, now)

            def save(state: IntakeState = state) -> None:
                assert not check(state, Outcome.DISPATCH)
                ticket = build_ticket(state, Outcome.DISPATCH, reference, actor="op01", now=now)
                ops.register_ticket(db, ticket)

            submit.append(timed_ms(save))

        index = CategoryIndex.build(reference.catalogue)
        category = [timed_ms(lambda q=q: index.search(q))
                    for _ in range(max(1, args.runs // len(CATEGORY_QUERIES)))
                    for q in CATEGORY_QUERIES]

        lookups = []
        for n in range(args.runs):
            # Callers with history; half of them at an address with earlier tickets.
            state = replace(form_state(n * 97 % args.tickets, now),
                            address=address_of(n) if n % 2 else f"别处{n}")
            lookups.append(timed_ms(lambda s=state: (caller_history(db, s.caller.phone),
                                                     repeat_candidates(db, s, now))))
        ready = form_ready_ms(db, args.runs // 3)
        db.close()

    figures = {
        "tickets": args.tickets,
        "submit_p95_ms": round(percentile(submit, 0.95), 2),
        "submit_median_ms": round(percentile(submit, 0.5), 2),
        "form_ready_p95_ms": round(percentile(ready, 0.95), 2),
        "category_filter_p95_ms": round(percentile(category, 0.95), 3),
        "caller_history_p95_ms": round(percentile(lookups, 0.95), 2),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


def form_ready_ms(db, runs: int) -> list[float]:
    """GUI-thread time of `IntakeScreen.submit` on a complete form, offscreen."""
    from PySide6.QtCore import QEventLoop, QTimer

    from agent_app.tasks import TaskRunner
    from agent_app.ui.app import ensure_application
    from agent_app.ui.intake.screen import IntakeScreen

    ensure_application()
    tasks = TaskRunner(db)
    screen = IntakeScreen(tasks, actor="op01")
    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)  # reference data and the category index arrive
    loop.exec()
    times = []
    for n in range(runs):
        screen.form.set_state(form_state(200_000 + n, screen._now().astimezone(CHINA_TZ)))
        times.append(timed_ms(lambda: screen.submit(Outcome.DISPATCH)))
        assert screen.form.state().is_blank()
    tasks.shutdown()
    return times


if __name__ == "__main__":
    main()
