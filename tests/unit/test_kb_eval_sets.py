"""The KB evaluation sets (benchmarks/kb_quality.py) are sound: every relevant article is in
the shipped KB, no query is asked in two sets, and the sets held out whole are never tuned
on (their misses are never listed, and every query is in the held-out split)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import kb_quality


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_every_relevant_article_is_in_the_shipped_kb() -> None:
    ids = {article["id"] for article in _read(kb_quality.KB_FILE)}
    for name, path in kb_quality.EVAL_SETS.items():
        for case in _read(path):
            assert case["relevant"], (name, case["query"])
            assert set(case["relevant"]) <= ids, (name, case["query"])


def test_no_query_is_asked_in_two_sets() -> None:
    counts = Counter(case["query"] for path in kb_quality.EVAL_SETS.values()
                     for case in _read(path))
    assert [query for query, n in counts.items() if n > 1] == []


def test_the_sets_held_out_whole_are_never_tuned_on() -> None:
    assert {"fresh", "fresh2", "fresh3", "fresh4"} <= kb_quality.NEVER_LISTED
    for name in kb_quality.NEVER_LISTED:
        cases = _read(kb_quality.EVAL_SETS[name])
        assert len(cases) >= 150
        assert {case["split"] for case in cases} == {"holdout"}
