"""Smart intake risk (issue 22): how far the risk rule carries to authors it was not tuned on.

Prints, for every labelled dev set, the risk precision/recall of the reviewed risk words
(resources/intake/risk_words.json), then the figures pooled per author:

- author A (earlier sessions): risk_dev .. risk_dev8 and dev .. dev6 (with their b/c sets),
- author B: risk_dev9 .. risk_dev11,
- author C: risk_dev12,
- author D: risk_dev13a (tuning) and risk_dev13 (its blind check, once written).

The rule was tuned on every one of these sets at some time, so its per-set figures are tuned
figures; the first blind score of each set is in the commit that added it.

`--learned` also scores a learned second pass (a character-bigram naive Bayes, pure Python)
leave-one-author-out: trained on the labelled lines of every other author (their risk lines
as risk, their other lines and the demo history as not), asked only about the lines the rule
did not flag (a line is risk when the summed log-odds of its bigrams reach --min-log-odds),
and scored on the held-out author. That is the only figure that says whether a learned part
carries to a new author; its figure on the authors it was trained on says nothing. It also
prints the figure on author A's whole-intake sets (dev .. dev6b), where risk is as rare as in
the traffic, so that the false alarms a learned part adds are not hidden by the risk-only sets
(half risk). `--words FILE` scores another word list (e.g. main's) the same way.

Held-out sets (heldout, heldout2, heldout3) are never read here.

    python benchmarks/risk_crossval.py [--words FILE] [--learned] [--min-log-odds 20]
                                       [--misses SET]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent_app.core.smart_intake.risk import RiskWords  # noqa: E402
from agent_app.demo.generate import generate_demo_tickets  # noqa: E402
from agent_app.paths import resources_dir  # noqa: E402
from agent_app.search.text import fold  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
AUTHORS = {
    "A": ["risk_dev", *(f"risk_dev{n}" for n in range(2, 9)),
          "dev", "dev2", "dev3", "dev4", "dev4b", "dev4c", "dev5", "dev5b", "dev6", "dev6b"],
    "B": ["risk_dev9", "risk_dev10", "risk_dev11"],
    "C": ["risk_dev12"],
    "D": ["risk_dev13a", "risk_dev13"],
}
HELD_OUT = ("heldout", "heldout2", "heldout3", "heldout4")
TRAFFIC = [name for name in AUTHORS["A"] if not name.startswith("risk_")]


def load(name: str) -> list[dict[str, Any]]:
    assert not name.startswith(HELD_OUT), name
    path = DATA / f"smart_intake_{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def figures(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | int]:
    """Risk precision and recall of (got, gold) pairs."""
    tp = predicted = gold = n = 0
    for got, want in pairs:
        n += 1
        tp += got and want
        predicted += got
        gold += want
    return {"n": n, "gold": gold, "flagged": predicted,
            "P": round(tp / predicted, 4) if predicted else 1.0,
            "R": round(tp / gold, 4) if gold else 1.0}


def show(label: str, fig: dict[str, float | int]) -> None:
    print(f"  {label:<12} n {fig['n']:>4}  risk {fig['gold']:>3}  flagged {fig['flagged']:>3}  "
          f"P {fig['P']:.3f}  R {fig['R']:.3f}")


# --- the learned second pass (tried; see --learned) -----------------------------------------

_PUNCTUATION = set("，。,.！!？?、：:；;")


def bigrams(text: str) -> set[str]:
    folded = "".join(ch for ch in fold(text) if not ch.isspace() and ch not in _PUNCTUATION)
    return {folded[i:i + 2] for i in range(len(folded) - 1)}


class NaiveBayes:
    """Bernoulli-style naive Bayes over the set of character bigrams of a text."""

    def __init__(self, texts: Sequence[str], labels: Sequence[bool], alpha: float = 1.0) -> None:
        self.counts = {True: Counter(), False: Counter()}
        self.docs = Counter(labels)
        for text, label in zip(texts, labels, strict=True):
            self.counts[label].update(bigrams(text))
        self.vocab = set(self.counts[True]) | set(self.counts[False])
        self.alpha = alpha

    def log_odds(self, text: str) -> float:
        """The summed log-odds of risk over the known bigrams of the text (no prior)."""
        score = 0.0
        for gram in bigrams(text):
            if gram not in self.vocab:
                continue
            p_risk = (self.counts[True][gram] + self.alpha) / (self.docs[True] + 2 * self.alpha)
            p_not = (self.counts[False][gram] + self.alpha) / (self.docs[False] + 2 * self.alpha)
            score += math.log(p_risk / p_not)
        return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learned", action="store_true",
                        help="also score a bigram naive Bayes second pass, leave-one-author-out")
    parser.add_argument("--min-log-odds", type=float, default=20.0)
    parser.add_argument("--words", type=Path,
                        default=resources_dir() / "intake" / "risk_words.json",
                        help="the risk word list to score (default: the shipped one)")
    parser.add_argument("--demo", type=int, default=400, help="demo history lines, as not risk")
    parser.add_argument("--misses", default="", help="print the misses and false alarms of a set")
    args = parser.parse_args()

    rule = RiskWords.load(args.words)
    sets = {name: load(name) for names in AUTHORS.values() for name in names}
    flagged = {name: [rule.is_risk(item["text"]) for item in items]
               for name, items in sets.items()}

    print("risk rule, per set")
    for author, names in AUTHORS.items():
        for name in names:
            if sets[name]:
                gold = [item["risk"] for item in sets[name]]
                show(f"{author} {name}", figures(zip(flagged[name], gold, strict=True)))
    print("risk rule, per author")
    pooled: list[tuple[bool, bool]] = []
    for author, names in AUTHORS.items():
        pairs = [(got, item["risk"]) for name in names
                 for got, item in zip(flagged[name], sets[name], strict=True)]
        pooled += pairs
        show(f"author {author}", figures(pairs))
    show("all", figures(pooled))

    if args.misses:
        for got, item in zip(flagged[args.misses], sets[args.misses], strict=True):
            if got != item["risk"]:
                print(("MISS " if item["risk"] else "FALSE ") + item["text"])

    if not args.learned:
        return
    demo = [ticket["content"] for ticket in generate_demo_tickets(args.demo)]
    print(f"learned second pass, leave-one-author-out (log-odds >= {args.min_log_odds})")
    rule_pairs: list[tuple[bool, bool]] = []
    both_pairs: list[tuple[bool, bool]] = []
    for author, names in AUTHORS.items():
        test = [(got, item) for name in names
                for got, item in zip(flagged[name], sets[name], strict=True)]
        if not test:
            continue
        train = [item for other, others in AUTHORS.items() if other != author
                 for name in others for item in sets[name]]
        model = NaiveBayes([i["text"] for i in train] + demo,
                           [i["risk"] for i in train] + [False] * len(demo))
        both = [(got or model.log_odds(item["text"]) >= args.min_log_odds, item["risk"])
                for got, item in test]
        rules = [(got, item["risk"]) for got, item in test]
        rule_pairs += rules
        both_pairs += both
        show(f"{author} rule", figures(rules))
        show(f"{author} +NB", figures(both))
        if author == "A":
            traffic = len([item for name in TRAFFIC for item in sets[name]])
            show("A traffic", figures(rules[-traffic:]))
            show("A traffic+NB", figures(both[-traffic:]))
    show("all rule", figures(rule_pairs))
    show("all +NB", figures(both_pairs))


if __name__ == "__main__":
    main()
