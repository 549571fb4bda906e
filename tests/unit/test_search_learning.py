"""The pure parts of the KB search's bridging and learning: the colloquial lexicon, which
queries count as sentences, query keys, similarity, decay and the saturating lift, and the
usage index's vetoes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from agent_app.search.colloquial import (
    OFFICIAL_WEIGHT,
    OWN_WEIGHT,
    ColloquialEntry,
    ColloquialLexicon,
    is_sentence,
    score_article,
    sentence_units,
    shipped_colloquial,
)
from agent_app.search.learning import (
    HALF_LIFE_DAYS,
    LIFT,
    MIN_SIMILARITY,
    UsageIndex,
    Use,
    decayed,
    key_units,
    lift,
    query_key,
    scrub,
    similarity,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_shipped_lexicon_has_several_hundred_spoken_words():
    lexicon = shipped_colloquial()
    assert len(lexicon) >= 300
    found = dict(lexicon.officials_in("楼上天天半夜蹦迪"))
    assert "噪声扰民" in found["蹦迪"]


def test_spoken_words_bring_their_official_words_at_a_lower_weight():
    lexicon = ColloquialLexicon([ColloquialEntry(("押金",), ("保证金",)),
                                 ColloquialEntry(("车位", "占车位"), ("停车位",))])
    units, brought = sentence_units(["房东不退押金"], "房东不退押金", lexicon, {})
    weights = {u.text: u.weight for u in units}
    assert weights["押金"] == OWN_WEIGHT and weights["保证"] == OFFICIAL_WEIGHT
    assert brought == ["保证金"]
    # Overlapping spoken words are both seen.
    assert {say for say, _ in lexicon.officials_in("车位被人占车位")} == {"车位", "占车位"}


def test_a_lexicon_file_with_odd_entries_loads_what_it_can():
    lexicon = ColloquialLexicon.from_json({"entries": [
        {"say": ["咋整"], "official": []}, "not an entry", {"say": "x", "official": ["y"]},
        {"say": ["房本"], "official": ["不动产权证书"]}]})
    assert len(lexicon) == 1 and lexicon.officials_in("房本丢了")


def test_sentences_are_long_han_questions_not_shorthands_or_pinyin():
    assert is_sentence("快递一直没送到")
    assert is_sentence("12345能不能管楼上噪音")
    assert not is_sentence("公积金")
    assert not is_sentence("gjj贷款怎么办理呢")
    assert not is_sentence("shebaoka")


def test_a_title_match_counts_more_than_a_body_match_and_absent_words_nothing():
    units, _ = sentence_units(["押金"], "押金", ColloquialLexicon([]), {})
    rarity = {"押金": 2.0}
    in_title = score_article(units, rarity, "押金退还", "正文")
    in_body = score_article(units, rarity, "租赁纠纷", "房东不退押金的处理")
    assert in_title > in_body > 0
    assert score_article(units, rarity, "供暖", "正文") == 0


def test_the_query_key_drops_fillers_and_personal_numbers():
    assert query_key("喂你好，我想问一下房东不退押金怎么办") == "房东不退押金"
    assert "13812345678" not in scrub("我电话13812345678，快递丢了")
    assert "12345" in scrub("12345热线")  # a service number is not personal


def test_similar_queries_overlap_and_unrelated_ones_do_not():
    a = key_units(query_key("快递一直没送到"))
    b = key_units(query_key("快递一直没送到家怎么办"))
    c = key_units(query_key("暖气不热"))
    assert similarity(a, b) >= MIN_SIMILARITY
    assert similarity(a, c) == 0.0


def test_a_use_is_worth_half_after_one_half_life():
    fresh = decayed("answer", NOW, NOW)
    older = decayed("answer", NOW - timedelta(days=HALF_LIFE_DAYS), NOW)
    assert abs(older - fresh / 2) < 1e-9
    assert decayed("open", NOW, NOW) < fresh


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_the_lift_grows_with_evidence_and_never_passes_its_cap(a, b):
    low, high = sorted((a, b))
    assert 0.0 <= lift(low) <= lift(high) <= LIFT


@given(st.lists(st.sampled_from(["open", "answer"]), min_size=1, max_size=20),
       st.booleans())
def test_a_veto_removes_the_lift_for_its_query_or_for_all(actions, everywhere):
    uses = [Use("快递没送到", "kd-1", action, NOW) for action in actions]
    uses.append(Use("快递没送到", "kd-2", "open", NOW))
    plain = UsageIndex(uses, [], NOW).evidence("快递没送到")
    assert plain["kd-1"] > 0 and plain["kd-2"] > 0
    veto = ("kd-1", None if everywhere else "快递没送到")
    vetoed = UsageIndex(uses, [veto], NOW).evidence("快递没送到")
    assert "kd-1" not in vetoed and vetoed["kd-2"] == plain["kd-2"]


def test_uses_added_later_count_as_if_they_had_been_there_from_the_start():
    first = [Use("快递没送到", "kd-1", "answer", NOW - timedelta(days=3))]
    later = [Use("快递没送到", "kd-1", "open", NOW), Use("暖气不热", "gn-1", "open", NOW)]
    grown = UsageIndex(first, [], NOW)
    grown.add(later)
    whole = UsageIndex(first + later, [], NOW)
    for key in ("快递没送到", "暖气不热"):
        assert grown.evidence(key) == whole.evidence(key)


def test_the_lexicons_official_words_are_the_kbs_wording():
    """A review guard: an official word no article uses (a typo, or a name the KB does not
    use) bridges nothing. A few may name what a larger KB holds."""
    import json

    from agent_app.paths import resources_dir

    kb = resources_dir() / "kb"
    with (kb / "hotline_kb.jsonl").open(encoding="utf-8") as handle:
        text = " ".join(" ".join(str(v) for v in json.loads(line).values())
                        for line in handle if line.strip())
    with (kb / "colloquial.json").open(encoding="utf-8") as handle:
        entries = json.load(handle)["entries"]
    officials = [word for entry in entries for word in entry["official"]]
    assert all(entry["say"] and entry["official"] for entry in entries)
    unused = [word for word in officials if word not in text]
    assert len(unused) <= 0.05 * len(officials), unused
