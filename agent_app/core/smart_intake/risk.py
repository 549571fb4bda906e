"""Risk words: a threat to life, self-harm, violence, a gathering of many people, going to the
media or petitioning. Reviewed data (resources/intake/risk_words.json): patterns, the
innocent phrases that contain them (杀虫剂, 跳广场舞, 刀削面) and patterns of innocent uses
(a cat that jumped from the balcony, a banner for a sale), inside which nothing counts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_app.search.text import fold


@dataclass(frozen=True)
class RiskHit:
    kind: str  # self_harm, violence, gathering, media, petition, danger
    text: str  # the words that matched, to show the operator why
    start: int


# 我们也不想上访 / 我不会做傻事: said to reassure, not to threaten. Only for what follows the
# negation: 不想活 itself is a pattern and starts where the negation would be. The words are
# reviewed data ("negations"); these are used when the document has none.
DEFAULT_NEGATIONS = ("不想", "不会", "不要", "不打算", "没想", "没想过", "并不", "不是要", "没有",
                     "不愿", "不愿意")
NEGATION_REACH = 2  # characters between the negation and the risk words (不想去上访)
# A pattern with a gap may hold the negation itself (我们不会堵路, 电梯里没有人被困): inside a
# match it counts when one to this many characters of the match follow it (a pattern may end
# with one: 活着一点意思都没有).
INNER_NEGATION_REACH = 4
# Operators type a space where a caller pauses: it ends the negation's reach like a comma
# (没有钱 跳楼算了 is no reassurance).
_REACH_CHAR = r"[^，。,.！!？?\s]"
# A named part of the reviewed data ("names", e.g. who: 有人|孩子|老人|工人…), written <<who>> in a
# pattern, so that one list of the people a dispatcher asks about is reviewed in one place.
_NAME_RE = re.compile(r"<<(\w+)>>")


def expand_names(pattern: str, names: Mapping[str, str]) -> str:
    """The pattern with each <<name>> replaced by its group; an unknown name is an error."""
    def part(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            raise KeyError(f"risk words: no name {match.group(1)!r} in {pattern!r}")
        return f"(?:{names[match.group(1)]})"
    return _NAME_RE.sub(part, pattern)


def past_patterns(past: Mapping[str, Any]) -> list[re.Pattern[str]]:
    """The innocent patterns of past matters, from one list of time words (reviewed data
    "past"): 去年上访过; 着火是去年的事; 去年他说要杀了我 现在搬走了 (over since); 上访的事
    已经结案了 (the event said to be over). A word of the present between the time and the
    event ends the past: 以前他打我 现在又拿刀. The word that says it is over may come late
    in the sentence (前年几十户一起去讨说法 之后钱都结清了)."""
    times = "(?:" + "|".join(past["times"]) + ")"
    present = "|".join(map(re.escape, past["present"]))
    clause = r"[^，。,.！!？?]"
    return [re.compile(f"{times}(?:(?!{present}){clause}){{0,8}}(?:{past['events']})"),
            re.compile(f"(?:{past['event_before']})了?{clause}{{0,3}}是{times}"),
            re.compile(f"{times}[^。！!？?]{{0,24}}(?:现在|后来|之后|已经|早就){clause}{{0,6}}"
                       f"(?:{past['over']})"),
            # the event, then said to be over (上访的事去年已经结案了)
            re.compile(f"(?:{past['events']}){clause}{{0,10}}(?:已经|早就|早都){clause}{{0,2}}"
                       f"(?:{past['over']})")]


class RiskWords:
    def __init__(self, patterns: Sequence[tuple[str, re.Pattern[str]]],
                 exceptions: Sequence[str],
                 innocent_patterns: Sequence[re.Pattern[str]] = (),
                 negations: Sequence[str] = DEFAULT_NEGATIONS,
                 done_after: re.Pattern[str] | None = None) -> None:
        self._patterns = list(patterns)
        # Read right after the words: 上访过, 煤气中毒过一次 say it happened once, not now.
        self._done_after = done_after
        self._negations = tuple(negations)
        words = "(" + "|".join(map(re.escape, sorted(negations, key=len, reverse=True))) + ")"
        self._negation_re = re.compile(
            words + f"{_REACH_CHAR}{{0,{NEGATION_REACH}}}$") if negations else None
        self._inner_negation_re = re.compile(
            words + f"{_REACH_CHAR}{{1,{INNER_NEGATION_REACH}}}$") if negations else None
        self._innocent = list(innocent_patterns)
        if exceptions:
            self._innocent.append(re.compile("|".join(map(re.escape, sorted(
                exceptions, key=len, reverse=True)))))

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> RiskWords:
        names: Mapping[str, str] = document.get("names", {})
        innocent = [re.compile(expand_names(p, names))
                    for p in document.get("innocent_patterns", ())]
        if "past" in document:
            innocent += past_patterns(document["past"])
        done_after = document.get("past", {}).get("done_after")
        return cls([(p["kind"], re.compile(expand_names(p["re"], names)))
                    for p in document["patterns"]],
                   list(document.get("exceptions", ())), innocent,
                   tuple(document.get("negations", DEFAULT_NEGATIONS)),
                   re.compile(done_after) if done_after else None)

    @classmethod
    def load(cls, path: Path) -> RiskWords:
        return cls.from_document(json.loads(path.read_text(encoding="utf-8")))

    def hits(self, text: str) -> list[RiskHit]:
        folded = fold(text)
        innocent: set[int] = set()
        for pattern in self._innocent:
            for match in pattern.finditer(folded):
                innocent.update(range(match.start(), match.end()))
        found: list[RiskHit] = []
        for kind, pattern in self._patterns:
            for match in pattern.finditer(folded):
                span = range(match.start(), match.end())
                # Inside an innocent phrase (杀虫剂 holds 杀), the words do not count.
                if any(i in innocent for i in span):
                    continue
                if self._negated(folded, match):
                    continue
                if self._done_after is not None and self._done_after.match(folded, match.end()):
                    continue
                found.append(RiskHit(kind, match.group(), match.start()))
        found.sort(key=lambda hit: hit.start)
        return found

    def _negated(self, folded: str, match: re.Match[str]) -> bool:
        if self._negation_re is None or self._inner_negation_re is None:
            return False
        start = match.start()
        # Just before the match (不想去上访).
        if self._negation_re.search(folded, max(0, start - 8), start):
            return True
        # Across its start (没有人被困 holds the pattern 有人被困).
        if any(folded.startswith(word, start - cut) for word in self._negations
               for cut in range(1, min(len(word), start + 1))):
            return True
        # Inside a match with a gap, after its first character (不想活 is a pattern itself).
        return self._inner_negation_re.search(folded, start + 1, match.end()) is not None

    def is_risk(self, text: str) -> bool:
        return bool(self.hits(text))
