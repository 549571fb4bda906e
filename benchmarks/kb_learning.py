"""What learning from operators adds to KB search after a simulated week of use.

The KB is resources/kb/hotline_kb.jsonl. Calls are the callers' set
(benchmarks/data/kb_colloquial_eval.jsonl): each day CALLS_PER_DAY calls, each a query of
the set's "tune" part drawn at random (some problems are asked far more often than
others). The operator searches the caller's words and looks at the first five hits:
- a relevant one among them: opens it (OPEN_RATE) and gives it as the answer (ANSWER_RATE
  of those opened);
- none among them: finds the article another way (FOUND_ELSEWHERE) and gives it as the
  answer after the same query, as the KB panel keeps the pair for the query on show;
- now and then (WRONG_RATE) opens one of the five that is not relevant (a slip, a guess),
  whether or not a relevant one is shown: the noise the learning must not follow.
Every use is kept through record_kb_usage with the time of the call. After the week the
searcher is asked again, at the end of the week:
- "recurring": the tune queries themselves (the same words heard again);
- "new wording": the held-out queries, which the week never saw — the same problems in
  other words, so only similarity carries the learning to them;
- "fresh set": the fresh held-out set (kb_fresh_heldout.jsonl), also never seen, in its
  styles (colloquial, initials, full pinyin);
- "fresh2 set": the second set held out whole (kb_fresh2_heldout.jsonl), by another author;
- "fresh3 set": the third (kb_fresh3_heldout.jsonl), written blind to the search code;
- "team set": the seven styles of the team's set, which must not get worse.

    python benchmarks/kb_learning.py [--days 7] [--calls-per-day 300] [--seed 12345]

Prints MRR@10 before and after beside each other and the ratio; last line JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app.search import KbSearcher  # noqa: E402
from agent_app.search.learning import record_kb_usage  # noqa: E402
from agent_app.storage.database import open_database  # noqa: E402
from agent_app.storage.ops import import_kb_articles  # noqa: E402
from benchmarks.kb_quality import (  # noqa: E402
    CALLERS_FILE,
    EVAL_FILE,
    FRESH2_FILE,
    FRESH3_FILE,
    FRESH_FILE,
    KB_FILE,
    Judged,
    evaluate,
    read_jsonl,
    summary,
)

OPEN_RATE = 0.9
ANSWER_RATE = 0.7
FOUND_ELSEWHERE = 0.5
WRONG_RATE = 0.1
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def by_style(judged: list[Judged]) -> dict[str, float]:
    groups: dict[str, list[Judged]] = defaultdict(list)
    for item in judged:
        groups[item.style].append(item)
    return {style: summary(items)["mrr10"] for style, items in sorted(groups.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--calls-per-day", type=int, default=300)
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    callers = read_jsonl(CALLERS_FILE)
    asked = [c for c in callers if c["split"] == "tune"]
    unseen = [c for c in callers if c["split"] == "holdout"]
    team = read_jsonl(EVAL_FILE)
    fresh = read_jsonl(FRESH_FILE)
    groups = (("recurring", asked), ("new wording", unseen), ("fresh set", fresh),
              ("fresh2 set", read_jsonl(FRESH2_FILE)), ("fresh3 set", read_jsonl(FRESH3_FILE)),
              ("team set", team))
    # Some problems are asked far more often than others (Zipf-like popularity).
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(asked))]
    rng.shuffle(popularity)
    end = START + timedelta(days=args.days)

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        import_kb_articles(db, read_jsonl(KB_FILE))
        before = {name: evaluate(KbSearcher(db, clock=lambda: end), cases)
                  for name, cases in groups}
        now = [START]
        operator = KbSearcher(db, clock=lambda: now[0])  # it learns during the week too
        uses = {"open": 0, "answer": 0, "wrong": 0, "calls": 0}
        for day in range(args.days):
            for n in range(args.calls_per_day):
                call = rng.choices(asked, weights=popularity)[0]
                moment = START + timedelta(days=day, seconds=30 * n)
                now[0] = moment
                shown = [hit.id for hit in operator.search(call["query"], 10)][:5]
                relevant = [a for a in shown if a in call["relevant"]]
                uses["calls"] += 1
                wrong = [a for a in shown if a not in call["relevant"]]
                if wrong and rng.random() < WRONG_RATE:
                    record_kb_usage(db, call["query"], rng.choice(wrong), "open", now=moment)
                    uses["wrong"] += 1
                if relevant and rng.random() < OPEN_RATE:
                    record_kb_usage(db, call["query"], relevant[0], "open", now=moment)
                    uses["open"] += 1
                    if rng.random() < ANSWER_RATE:
                        record_kb_usage(db, call["query"], relevant[0], "answer", now=moment)
                        uses["answer"] += 1
                elif not relevant and rng.random() < FOUND_ELSEWHERE:
                    record_kb_usage(db, call["query"], call["relevant"][0], "answer",
                                    now=moment)
                    uses["answer"] += 1
        after = {name: evaluate(KbSearcher(db, clock=lambda: end), cases)
                 for name, cases in groups}
        db.close()

    print(f"{args.days} days × {args.calls_per_day} calls: {uses['open']} opened, "
          f"{uses['answer']} answers, {uses['wrong']} wrong articles opened")
    print(f"{'queries':<14}{'n':>5}{'before':>9}{'after':>9}{'ratio':>8}")
    result: dict[str, object] = {"days": args.days, "calls": uses["calls"], "uses": uses}
    for name in before:
        was, now = summary(before[name])["mrr10"], summary(after[name])["mrr10"]
        print(f"{name:<14}{len(before[name]):>5}{was:>9.3f}{now:>9.3f}"
              f"{(now / was if was else float('inf')):>8.2f}")
        result[name] = {"before": was, "after": now, "queries": len(before[name])}
    styles_before, styles_after = by_style(before["team set"]), by_style(after["team set"])
    print("team set by style (before → after): " + ", ".join(
        f"{style} {styles_before[style]:.3f}→{styles_after[style]:.3f}"
        for style in styles_before))
    result["team_styles"] = {s: {"before": styles_before[s], "after": styles_after[s]}
                             for s in styles_before}
    fresh_before, fresh_after = by_style(before["fresh set"]), by_style(after["fresh set"])
    print("fresh set by style (before → after): " + ", ".join(
        f"{style} {fresh_before[style]:.3f}→{fresh_after[style]:.3f}" for style in fresh_before))
    result["fresh_styles"] = {s: {"before": fresh_before[s], "after": fresh_after[s]}
                              for s in fresh_before}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
