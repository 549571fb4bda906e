"""Category proposals: a small local model over character n-grams.

Each subcategory is a TF-IDF centroid of character unigrams and bigrams, from two sources:
the reviewed words callers use for it (resources/intake/category_words.txt, with the
catalogue's own names) and the centre's registered tickets of that category. "IDF" is over
subcategories, so words every kind of appeal has (希望, 反映, 小区) weigh little. A reviewed
phrase found whole in the text adds to its subcategory, because a phrase (井盖, 预付卡) says
more than its bigrams. Rebuilding is a pure function of the history, cheap enough to run in
a background thread whenever many new tickets have arrived.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_app.search.text import HAN_CLASS, fold

CategoryKey = tuple[str, str]
_TOKEN_RE = re.compile(f"[{HAN_CLASS}]+|[a-z]+")
MODEL_VERSION = 1
# How much of a subcategory's centroid its reviewed words make up: more than the tickets,
# whose template wording (the demo history's, a centre's habits) generalises less to how
# new callers speak than the reviewed words do.
LEXICON_SHARE = 0.7
PHRASE_BONUS = 0.03  # per character of a reviewed phrase found whole in the text
# A reviewed phrase made of bigrams many subcategories share (电话, 收费, 平台) is said in
# passing in every kind of appeal: its bonus is scaled by (mean bigram IDF / top IDF) ** this.
PHRASE_IDF_POWER = 2.0
# Callers' words for one matter are often spread over sibling subcategories (卖菜的 ... 把路
# 占了); each subcategory gets this share of its siblings' scores, so the right level1 wins.
SIBLING_SHARE = 0.05
# The newest tickets of a subcategory are enough to learn its words, and keep a rebuild
# over years of history to seconds.
MAX_TICKETS_PER_CATEGORY = 300


def features(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in _TOKEN_RE.findall(fold(text)):
        if run.isascii():
            counts[run] += 1
            continue
        counts.update(run)
        counts.update(map(str.__add__, run, run[1:]))
    return counts


@dataclass(frozen=True)
class Lexicon:
    words: Mapping[CategoryKey, tuple[str, ...]]

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        words: dict[CategoryKey, tuple[str, ...]] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            path, _, phrases = line.partition(":")
            level1, _, level2 = path.strip().partition("/")
            words[(level1, level2)] = tuple(fold(p) for p in phrases.split())
        return cls(words)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        return cls.parse(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class TrainingTicket:
    text: str
    category: CategoryKey


@dataclass
class CategoryModel:
    classes: list[CategoryKey]
    idf: dict[str, float]
    postings: dict[str, list[tuple[int, float]]]  # feature → (class index, centroid weight)
    phrases: dict[str, list[int]] = field(default_factory=dict)  # reviewed phrase → classes
    trained_on: int = 0  # registered tickets it learned from
    _phrase_re: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _phrase_weight: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.phrases:
            ordered = sorted(self.phrases, key=len, reverse=True)
            self._phrase_re = re.compile("|".join(map(re.escape, ordered)))
        top = max(self.idf.values(), default=1.0)
        for phrase in self.phrases:
            grams = [g for g in features(phrase) if len(g) == 2]
            mean = sum(self.idf.get(g, top) for g in grams) / len(grams) if grams else top
            self._phrase_weight[phrase] = (mean / top) ** PHRASE_IDF_POWER

    def scores(self, text: str) -> list[float]:
        totals = [0.0] * len(self.classes)
        query = _weighted(features(text), self.idf)
        for feature, weight in query.items():
            for index, centroid_weight in self.postings.get(feature, ()):
                totals[index] += weight * centroid_weight
        if self._phrase_re is not None:
            for match in self._phrase_re.finditer(fold(text)):
                owners = self.phrases[match.group()]
                for index in owners:
                    totals[index] += (PHRASE_BONUS * len(match.group()) / len(owners)
                                      * self._phrase_weight[match.group()])
        family: dict[str, float] = defaultdict(float)
        for (level1, _), total in zip(self.classes, totals, strict=True):
            family[level1] += total
        return [total + SIBLING_SHARE * (family[level1] - total)
                for (level1, _), total in zip(self.classes, totals, strict=True)]

    def propose(self, text: str, limit: int = 3) -> list[CategoryKey]:
        totals = self.scores(text)
        ranked = sorted(range(len(totals)), key=lambda i: -totals[i])
        return [self.classes[i] for i in ranked[:limit] if totals[i] > 0]

    # Persistence -----------------------------------------------------------------------------
    def to_document(self) -> dict[str, Any]:
        return {"version": MODEL_VERSION, "trained_on": self.trained_on,
                "classes": [list(c) for c in self.classes],
                "idf": {f: round(w, 4) for f, w in sorted(self.idf.items())},
                "postings": {f: [[i, round(w, 5)] for i, w in p]
                             for f, p in sorted(self.postings.items())},
                "phrases": dict(sorted(self.phrases.items()))}

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> CategoryModel:
        if document.get("version") != MODEL_VERSION:
            raise ValueError(f"category model version {document.get('version')!r}")
        return cls([(str(level1), str(level2)) for level1, level2 in document["classes"]],
                   dict(document["idf"]),
                   {f: [(int(i), float(w)) for i, w in p]
                    for f, p in document["postings"].items()},
                   {p: list(owners) for p, owners in document.get("phrases", {}).items()},
                   int(document.get("trained_on", 0)))

    def save(self, path: Path) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.to_document(), ensure_ascii=False,
                                        separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> CategoryModel:
        return cls.from_document(json.loads(path.read_text(encoding="utf-8")))


def _weighted(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    vector = {f: (1 + math.log(n)) * idf[f] for f, n in counts.items() if f in idf}
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {f: w / norm for f, w in vector.items()}


def build_model(catalogue_paths: Sequence[CategoryKey], lexicon: Lexicon,
                tickets: Iterable[TrainingTicket],
                mask: Callable[[str], str] | None = None) -> CategoryModel:
    """`tickets` oldest first. `mask` blanks what must not be learned as a category's words
    (place names: demo and real tickets of one kind cluster in a few places)."""
    classes = list(catalogue_paths)
    index = {c: i for i, c in enumerate(classes)}
    lexicon_counts: list[Counter[str]] = []
    for level1, level2 in classes:
        counts = features(level2) + features(level2) + features(level1)
        for phrase in lexicon.words.get((level1, level2), ()):
            counts.update(features(phrase))
        lexicon_counts.append(counts)
    newest: list[deque[str]] = [deque(maxlen=MAX_TICKETS_PER_CATEGORY) for _ in classes]
    for ticket in tickets:
        position = index.get(ticket.category)
        if position is not None:  # else a category no longer in the catalogue
            newest[position].append(ticket.text)
    history = [[features(mask(text) if mask else text) for text in texts] for texts in newest]
    trained_on = sum(map(len, history))
    # IDF over subcategories: a feature in every subcategory's words carries nothing.
    class_frequency: Counter[str] = Counter()
    for position in range(len(classes)):
        present = set(lexicon_counts[position])
        for counts in history[position]:
            present.update(counts)
        class_frequency.update(present)
    total = len(classes)
    idf = {f: math.log((1 + total) / (1 + n)) + 0.05 for f, n in class_frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for position in range(len(classes)):
        centroid = _scaled(_weighted(lexicon_counts[position], idf),
                           LEXICON_SHARE if history[position] else 1.0)
        if history[position]:
            share = (1 - LEXICON_SHARE) / len(history[position])
            for counts in history[position]:
                for f, w in _weighted(counts, idf).items():
                    centroid[f] = centroid.get(f, 0.0) + share * w
        norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
        for f, w in centroid.items():
            if w / norm > 1e-4:
                postings[f].append((position, w / norm))
    phrases: dict[str, list[int]] = defaultdict(list)
    for (level1, level2), words in lexicon.words.items():
        position = index.get((level1, level2))
        if position is None:
            continue
        for phrase in (*words, fold(level2)):
            if len(phrase) >= 2 and position not in phrases[phrase]:
                phrases[phrase].append(position)
    return CategoryModel(classes, idf, dict(postings), dict(phrases), trained_on)


def _scaled(vector: Mapping[str, float], factor: float) -> dict[str, float]:
    return {f: w * factor for f, w in vector.items()}
