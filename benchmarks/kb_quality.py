"""KB search quality on the evaluation set: MRR@10 and recall@5, overall and per style.

The KB is resources/kb/hotline_kb.jsonl (made by benchmarks/data/make_kb.py); the queries
and their relevant articles are benchmarks/data/kb_eval.jsonl, in the styles operators type:
title words, colloquial rephrasings, 2–4 character shorthands, pinyin initials, full pinyin,
homophone typos, Chinese mixed with ASCII. A third of each style is held out: tune on
"tune", and read "holdout" as the estimate for queries nobody tuned on.

A second, harder set (benchmarks/data/kb_colloquial_eval.jsonl, --set callers) holds only
colloquial queries written as callers speak — the problem in their own words, with
openings and fillers of a call — thought of from the call, not from the articles' text;
a third of it is held out the same way. While tuning, run with --hide-holdout.

A third set (benchmarks/data/kb_fresh_heldout.jsonl, --set fresh) is held out whole: colloquial
queries written from calls after the callers' held-out third had been looked at, plus pinyin
initials and full pinyin for shipped articles. It is never tuned on: --hide-holdout leaves it
out, and --misses never lists its queries. A fourth (kb_dev_colloquial.jsonl, --set dev) is
all "tune": shorter colloquial queries by the same author, written to tune on once the other
sets' tune parts were near their ceiling. A fifth (kb_dev2_colloquial.jsonl, --set dev2) is
all "tune" too, by another author: 288 calls as callers put them — filler, spoken verbs, the
wrong official word (暂住证, 新农合), two problems in one breath, dialect (俺, 中不中), from two
characters to a whole rambling call. A sixth (kb_fresh2_heldout.jsonl, --set fresh2) is held out
whole like "fresh": 205 queries by a third author written before the ranking work of issue #19's
second round (156 colloquial calls, the rest short, typo, mixed, initials, full pinyin), each
checked to be no near-copy (similarity < 0.7) of a query in the other sets or of a title.
A seventh (kb_fresh3_heldout.jsonl, --set fresh3) is held out whole too: 325 queries written
blind by a fourth author, who never read the search code or its word lists (262 colloquial
calls thought of before the article, the rest title, short, typo, mixed, initials, full
pinyin), spread over the KB's matters; never tuned on. An eighth (kb_dev3_mixed.jsonl,
--set dev3) is for tuning issue #19's third round: 137 queries of the styles the word
ranking lost on to the floor — typos as a pinyin IME makes them (homophones, a dropped or
swapped character), Chinese mixed with pinyin or letters, 2–4 character shorthands — and
some colloquial ones, labelled by hand before it was first run; a quarter of each style is
held out like the first set's. Six of its queries that turned out to be (near-)copies of
fresh3's, written independently at the same time, were taken out of it. A ninth
(kb_dev4_colloquial.jsonl, --set dev4) is for issue #19's fourth round, on generalisation:
262 calls written by a fifth author before reading the search's word lists — the caller's
situation first (what happened, not the procedure's name), then every article that answers
it, over most of the KB's matters, with fillers and Henan speech; a quarter is held out.
A tenth (kb_dev4b_colloquial.jsonl, --set dev4b) is 40 more by the same author, written
blind once that round's changes were frozen, all held out: the round's generalisation check.
An eleventh (kb_fresh4_heldout.jsonl, --set fresh4) is held out whole: 262 queries written
blind by a sixth author, who never read the search code, its word lists or another set's lines
(160 colloquial calls thought of before the article, the rest typo, mixed, short, full pinyin,
initials and title); never tuned on.

Beside each figure the same queries are ranked by plain character overlap (title counted
twice), the floor the search must clear; the ratio is printed.

    python benchmarks/kb_quality.py [--set team|callers|dev|dev2|dev3|dev4|dev4b|fresh|
                                           fresh2|fresh3|fresh4|both|all] [--misses]
                                           [--hide-holdout] [--distractors]

With --distractors the KB also holds near-duplicates of its articles about other matters
(DISTRACTOR_SWAPS); it then also counts the queries whose hits put one of them first.

Targets: MRR@10 ≥ 0.93 overall and ≥ 0.85 in every style, on each set's held-out part.
Prints figures; last line JSON.
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
CALLERS_FILE = ROOT / "benchmarks" / "data" / "kb_colloquial_eval.jsonl"
FRESH_FILE = ROOT / "benchmarks" / "data" / "kb_fresh_heldout.jsonl"
DEV_FILE = ROOT / "benchmarks" / "data" / "kb_dev_colloquial.jsonl"
DEV2_FILE = ROOT / "benchmarks" / "data" / "kb_dev2_colloquial.jsonl"
FRESH2_FILE = ROOT / "benchmarks" / "data" / "kb_fresh2_heldout.jsonl"
FRESH3_FILE = ROOT / "benchmarks" / "data" / "kb_fresh3_heldout.jsonl"
FRESH4_FILE = ROOT / "benchmarks" / "data" / "kb_fresh4_heldout.jsonl"
DEV3_FILE = ROOT / "benchmarks" / "data" / "kb_dev3_mixed.jsonl"
DEV4_FILE = ROOT / "benchmarks" / "data" / "kb_dev4_colloquial.jsonl"
DEV4B_FILE = ROOT / "benchmarks" / "data" / "kb_dev4b_colloquial.jsonl"
DEV5_FILE = ROOT / "benchmarks" / "data" / "kb_dev5_mixed.jsonl"
EVAL_SETS = {"team": EVAL_FILE, "callers": CALLERS_FILE, "dev": DEV_FILE, "dev2": DEV2_FILE,
             "fresh": FRESH_FILE, "fresh2": FRESH2_FILE, "fresh3": FRESH3_FILE,
             "dev3": DEV3_FILE, "dev4": DEV4_FILE, "dev4b": DEV4B_FILE,
             "dev5": DEV5_FILE, "fresh4": FRESH4_FILE}
# sets whose misses are not printed (never tuned on)
NEVER_LISTED = frozenset({"fresh", "fresh2", "fresh3", "fresh4"})
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


# Near-duplicate distractors (--distractors): an article whose title names one of these
# matters is copied with that matter swapped, in title and body, for one the KB has no
# article on (a 市民卡 article worded as the 社保卡 one), so only the words that name the
# matter tell the two apart. Whoever asks about the 社保卡 must still get the real one first.
DISTRACTOR_SWAPS = (("社会保障卡", "市民卡"), ("社保卡", "市民卡"), ("医保", "商业保险"),
                    ("公积金", "企业年金"), ("护照", "海员证"), ("身份证", "军官证"),
                    ("结婚证", "独生子女证"), ("燃气", "沼气"), ("暖气", "热水"),
                    ("供暖", "供热水"), ("电动自行车", "摩托车"), ("电动车", "摩托车"),
                    ("出租车", "旅游大巴"), ("公交", "校车"), ("物业费", "停车费"),
                    ("宽带", "有线网"), ("快递", "外卖"), ("驾驶证", "船员证"),
                    ("低保", "助学贷款"), ("残疾", "孤儿"), ("养老", "托育"),
                    ("户口", "族谱"), ("营业执照", "卫生许可"), ("路灯", "信号灯"))


def near_duplicates(articles: Sequence[dict]) -> list[dict]:
    made = []
    for article in articles:
        for word, other in DISTRACTOR_SWAPS:
            if word in article["title"]:
                made.append({**article, "id": f"dup-{article['id']}", "swap": (word, other),
                             "title": article["title"].replace(word, other),
                             "body": article["body"].replace(word, other)})
                break
    return made


def swapped_queries(cases: Sequence[dict], distractors: Sequence[dict]) -> list[dict]:
    """The other way round: a query that names the swapped-in matter (市民卡丢了) must find
    the near-duplicate first. Made from each query naming the matter its relevant
    articles' near-duplicates were made by swapping."""
    swaps = {d["id"].removeprefix("dup-"): tuple(d["swap"]) for d in distractors}
    made = []
    for case in cases:
        for word, other in {swaps[a] for a in case["relevant"] if a in swaps}:
            if word in case["query"]:
                made.append({**case, "query": case["query"].replace(word, other),
                             "style": f"swapped {case['style']}",
                             "relevant": [f"dup-{a}" for a in case["relevant"]
                                          if swaps.get(a) == (word, other)]})
    return made


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


class OverlapRanker:
    """The floor: articles ranked by how many of the query's distinct Han characters and
    ASCII words they hold, a title hit counting twice."""

    def __init__(self, articles: Sequence[dict]) -> None:
        self._articles = [(a["id"], set(a["title"]), set(a["body"])) for a in articles]

    def search(self, query: str, limit: int = 10) -> list[str]:
        wanted = {c for c in query if c.isalnum()}
        scored = [(2 * len(wanted & title) + len(wanted & (body - title)), n, article_id)
                  for n, (article_id, title, body) in enumerate(self._articles)]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [article_id for score, _n, article_id in scored[:limit] if score > 0]


def judge_overlap(ranker: OverlapRanker, cases: Iterable[dict]) -> list[Judged]:
    return [Judged(case["query"], case["style"], case["split"], frozenset(case["relevant"]),
                   tuple(ranker.search(case["query"], 10))) for case in cases]


def report(name: str, judged: Sequence[Judged], floor: Sequence[Judged], *,
           hide_holdout: bool, misses: bool) -> dict[str, object]:
    splits = ("tune",) if hide_holdout else SPLITS
    by_style: dict[str, list[Judged]] = defaultdict(list)
    floor_by_style: dict[str, list[Judged]] = defaultdict(list)
    for item in judged:
        by_style[item.style].append(item)
    for item in floor:
        floor_by_style[item.style].append(item)
    shown = [j for j in judged if j.split in splits]
    result: dict[str, object] = {"queries": len(shown), "overall": summary(shown),
                                 "floor_overall": summary([j for j in floor
                                                           if j.split in splits])}
    for split in splits:
        result[split] = summary([j for j in judged if j.split == split])
    print(f"— set {name!r}: {len(shown)} queries"
          f"{' (held-out part hidden)' if hide_holdout else ''}")
    print(f"{'style':<12}{'n':>4}{'MRR@10':>9}{'R@5':>7}" + "".join(f"{s:>9}" for s in splits)
          + f"{'floor':>8}{'ratio':>7}")
    styles: dict[str, dict[str, object]] = {}
    for style, items in sorted(by_style.items()):
        items = [j for j in items if j.split in splits]
        overall = summary(items)
        base = summary([j for j in floor_by_style[style] if j.split in splits])
        per_split = {split: summary([j for j in items if j.split == split])
                     for split in splits}
        styles[style] = {**overall, "floor_mrr10": base["mrr10"],
                         **{f"{s}_mrr10": per_split[s]["mrr10"] for s in splits}}
        ratio = overall["mrr10"] / base["mrr10"] if base["mrr10"] else float("inf")
        print(f"{style:<12}{len(items):>4}{overall['mrr10']:>9.3f}{overall['recall5']:>7.3f}"
              + "".join(f"{per_split[s]['mrr10']:>9.3f}" for s in splits)
              + f"{base['mrr10']:>8.3f}{ratio:>7.2f}")
    for part in ("overall", *splits):
        figures = result[part]
        assert isinstance(figures, dict)
        print(f"{part:<12}{figures['queries']:>4}{figures['mrr10']:>9.3f}"
              f"{figures['recall5']:>7.3f}")
    result["styles"] = styles
    if misses:
        for item in shown:
            if item.reciprocal_rank < 1.0:
                print(f"  [{item.style}/{item.split}] {item.query!r} "
                      f"rr={item.reciprocal_rank:.2f} got {list(item.ranked[:3])} "
                      f"want {sorted(item.relevant)[:3]}")
    return result


def distractor_first(judged: Sequence[Judged]) -> dict[str, int]:
    """How many queries have a near-duplicate among their hits, and how many of those rank
    one above every relevant article (of those, how many above its own original)."""
    among = above = twin = 0
    for item in judged:
        firsts = [n for n, a in enumerate(item.ranked[:10]) if a.startswith("dup-")]
        if not firsts:
            continue
        among += 1
        first_real = next((n for n, a in enumerate(item.ranked[:10]) if a in item.relevant), 99)
        if firsts[0] < first_real:
            above += 1
            twin += item.ranked[firsts[0]].removeprefix("dup-") in item.relevant
    print(f"  near-duplicates among the hits of {among} queries; one above every relevant "
          f"article in {above} (the relevant article's own twin in {twin})")
    return {"queries_with_duplicates_in_hits": among, "duplicate_first": above,
            "own_twin_first": twin}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=(*EVAL_SETS, "both", "all"),
                        default="all", help="both: team and callers; all: every set")
    parser.add_argument("--misses", action="store_true",
                        help="list the queries whose first relevant hit is not first")
    parser.add_argument("--hide-holdout", action="store_true",
                        help="leave the held-out queries out of every figure (for tuning)")
    parser.add_argument("--distractors", action="store_true",
                        help="add near-duplicate articles of other matters to the KB")
    args = parser.parse_args()
    names = {"both": ("team", "callers"), "all": tuple(EVAL_SETS)}.get(args.set, (args.set,))
    if args.hide_holdout:
        names = tuple(name for name in names if name not in NEVER_LISTED)
    articles = read_jsonl(KB_FILE)
    distractors = near_duplicates(articles) if args.distractors else []
    articles += distractors
    overlap = OverlapRanker(articles)
    result: dict[str, object] = {"articles": len(articles), "distractors": len(distractors)}
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        import_kb_articles(db, articles)
        searcher = KbSearcher(db)
        print(f"{len(articles)} articles ({len(distractors)} near-duplicate distractors)")
        for name in names:
            cases = read_jsonl(EVAL_SETS[name])
            judged = evaluate(searcher, cases)
            result[name] = report(name, judged, judge_overlap(overlap, cases),
                                  hide_holdout=args.hide_holdout,
                                  misses=args.misses and name not in NEVER_LISTED)
            if distractors:
                figures = result[name]
                assert isinstance(figures, dict)
                figures["distractor_first"] = distractor_first(
                    [j for j in judged if not (args.hide_holdout and j.split == "holdout")])
                swapped = [c for c in swapped_queries(cases, distractors)
                           if not (args.hide_holdout and c["split"] == "holdout")]
                if swapped:
                    figures["swapped"] = report(
                        f"{name}, matter swapped", evaluate(searcher, swapped),
                        judge_overlap(overlap, swapped), hide_holdout=args.hide_holdout,
                        misses=args.misses and name not in NEVER_LISTED)
        db.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
