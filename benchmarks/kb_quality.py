"""KB search quality on the evaluation set: MRR@10 and recall@5, overall and per style.

The KB is resources/kb/hotline_kb.jsonl (made by benchmarks/data/make_kb.py); the queries
and their relevant articles are benchmarks/data/kb_eval.jsonl, in the styles operators type:
title words, colloquial rephrasings, 2–4 character shorthands, pinyin initials, full pinyin,
homophone typos, Chinese mixed with ASCII. A third of each style is held out: tune on
"tune", and read "holdout" as the estimate for queries nobody tuned on.

    python benchmarks/kb_quality.py [--misses]

Targets: MRR@10 ≥ 0.85 overall and ≥ 0.6 in every style. Prints figures; last line JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app.search import KbSearcher  # noqa: E402
from agent_app.storage.database import open_database  # noqa: E402
from agent_app.storage.ops import import_kb_articles  # noqa: E402

KB_FILE = ROOT / "resources" / "kb" / "hotline_kb.jsonl"
EVAL_FILE = ROOT / "benchmarks" / "data" / "kb_eval.jsonl"
SPLITS = ("tune", "holdout")


@dataclass(frozen=True)
class Judged:
    query: str
    style: str
    split: str
    relevant: frozenset[str]
    ranked: tuple[str, ...]

    @property
    def reciprocal_rank(self) -> float:
        for rank, article_id in enumerate(self.ranked[:10], start=1):
            if article_id in self.relevant:
                return 1.0 / rank
        return 0.0

    @property
    def recall_at_5(self) -> float:
        return len(self.relevant & set(self.ranked[:5])) / min(len(self.relevant), 5)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(searcher: KbSearcher, cases: Iterable[dict]) -> list[Judged]:
    return [Judged(case["query"], case["style"], case["split"], frozenset(case["relevant"]),
                   tuple(hit.id for hit in searcher.search(case["query"], 10)))
            for case in cases]


def summary(judged: Sequence[Judged]) -> dict[str, float]:
    if not judged:
        return {"mrr10": 0.0, "recall5": 0.0, "queries": 0}
    return {"mrr10": round(sum(j.reciprocal_rank for j in judged) / len(judged), 3),
            "recall5": round(sum(j.recall_at_5 for j in judged) / len(judged), 3),
            "queries": len(judged)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true",
                        help="list the queries whose first relevant hit is not first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        articles = read_jsonl(KB_FILE)
        import_kb_articles(db, articles)
        judged = evaluate(KbSearcher(db), read_jsonl(EVAL_FILE))
        db.close()

    by_style: dict[str, list[Judged]] = defaultdict(list)
    for item in judged:
        by_style[item.style].append(item)
    result: dict[str, object] = {"articles": len(articles), "queries": len(judged),
                                 "overall": summary(judged)}
    for split in SPLITS:
        result[split] = summary([j for j in judged if j.split == split])
    styles: dict[str, dict[str, object]] = {}
    print(f"{len(articles)} articles, {len(judged)} queries")
    print(f"{'style':<12}{'n':>4}{'MRR@10':>9}{'R@5':>7}   {'tune':>6}{'holdout':>9}")
    for style, items in sorted(by_style.items()):
        overall = summary(items)
        per_split = {split: summary([j for j in items if j.split == split]) for split in SPLITS}
        styles[style] = {**overall, **{f"{s}_mrr10": per_split[s]["mrr10"] for s in SPLITS}}
        print(f"{style:<12}{len(items):>4}{overall['mrr10']:>9.3f}{overall['recall5']:>7.3f}"
              f"   {per_split['tune']['mrr10']:>6.3f}{per_split['holdout']['mrr10']:>9.3f}")
    for name in ("overall", *SPLITS):
        figures = result[name]
        assert isinstance(figures, dict)
        print(f"{name:<12}{figures['queries']:>4}{figures['mrr10']:>9.3f}"
              f"{figures['recall5']:>7.3f}")
    result["styles"] = styles
    if args.misses:
        for item in judged:
            if item.reciprocal_rank < 1.0:
                print(f"  [{item.style}/{item.split}] {item.query!r} rr={item.reciprocal_rank:.2f}"
                      f" got {list(item.ranked[:3])} want {sorted(item.relevant)[:3]}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
