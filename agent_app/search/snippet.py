"""The excerpt shown under a hit: the stretch of the body with the most of what was asked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agent_app.search.text import fold, segments

SNIPPET_CHARS = 80
ELLIPSIS = "…"
_SENTENCE_ENDS = "。；！？!?;\n"


def find_spans(folded: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur, longest terms first, without overlaps, in text order."""
    taken = bytearray(len(folded))
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * len(term)
                spans.append((start, end))
            start = folded.find(term, start + 1)
    return sorted(spans)


def make_snippet(body: str, terms: Sequence[str],
                 width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A plain one-line excerpt of `body` and the spans in it that match `terms`."""
    flat = " ".join(body.split())
    spans = find_spans(fold(flat), terms)
    start = _best_start(flat, spans, width) if spans else 0
    end = min(len(flat), start + width)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(flat) else ""
    shift = len(lead) - start
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return lead + flat[start:end] + tail, inside


def _best_start(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window holding the most matched characters, backed up to the start of
    its sentence when that is near, so the excerpt reads from a sensible place."""
    best_at, best_weight = spans[0][0], -1
    for i, (first, _end) in enumerate(spans):
        seen: set[str] = set()
        weight = 0
        for s, e in spans[i:]:
            if e > first + width:
                break
            piece = text[s:e]
            weight += (e - s) * (1 if piece not in seen else 0) + 1
            seen.add(piece)
        if weight > best_weight:
            best_at, best_weight = first, weight
    start = max(0, best_at - width // 4)
    for i in range(best_at - 1, start - 1, -1):
        if text[i] in _SENTENCE_ENDS:
            return i + 1
    return start if start > 0 else 0


def title_words_for_pinyin(title: str, title_pinyin: str,
                           wanted: Sequence[Sequence[str]]) -> list[str]:
    """The Han words of `title` that sound like each wanted syllable sequence (full syllables,
    or single letters for initials), so `gjj` and 公基金 highlight 公积金."""
    runs = [segment.text for segment in segments(title) if segment.is_han]
    readings = [run.split() for run in title_pinyin.split(" / ")] if title_pinyin else []
    found: list[str] = []
    for run, syllables in zip(runs, readings, strict=False):
        if len(syllables) != len(run):
            continue
        for sounds in wanted:
            n = len(sounds)
            for start in range(len(syllables) - n + 1):
                if all(_sounds_like(syllables[start + k], sounds[k], last=k == n - 1)
                       for k in range(n)):
                    found.append(run[start:start + n])
                    break
    return found


def _sounds_like(syllable: str, typed: str, *, last: bool) -> bool:
    if len(typed) == 1:
        return syllable[0] == typed
    return syllable == typed or (last and syllable.startswith(typed))
