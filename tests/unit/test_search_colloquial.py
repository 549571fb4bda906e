"""Query analysis of spoken questions (agent_app/search/colloquial.py): spoken words found
with other words put in between, circumstance words weighed down, lone characters kept,
and the characters' overlap."""

from agent_app.search.colloquial import (
    CIRCUMSTANCE_WEIGHT,
    LIGHT_WEIGHT,
    OWN_WEIGHT,
    SINGLE_WEIGHT,
    ColloquialEntry,
    ColloquialLexicon,
    score_article,
    score_characters,
    sentence_units,
    shipped_colloquial,
    spread_in,
)


def test_spread_in_allows_a_few_characters_between_in_order():
    assert spread_in("户口迁", "房户口能迁", 3)
    assert spread_in("换学校", "想给孩子换个学校", 1)
    assert not spread_in("换学校", "想给孩子换一所新学校", 2)  # three between: more than the slack
    assert not spread_in("户口迁", "迁户口", 3)  # out of order
    assert spread_in("户口迁", "户口迁", 0)
    assert not spread_in("户口迁", "户口", 3)


def test_a_spoken_word_with_words_between_still_brings_its_official_words():
    lexicon = ColloquialLexicon([ColloquialEntry(("户口迁",), ("户口迁入",)),
                                 ColloquialEntry(("房东",), ("出租人",))])
    assert lexicon.officials_in("户口能迁过来") == []
    assert dict(lexicon.officials_in("户口能迁过来", slack=3)) == {"户口迁": ("户口迁入",)}
    # Two-character words must be whole: 房…东 is not 房东.
    assert lexicon.officials_in("房子东边", slack=3) == []


def test_circumstance_words_are_weighed_down_but_kept():
    lexicon = ColloquialLexicon([ColloquialEntry(("没电",), ("停电",))],
                                circumstances=["家里", "突然"])
    units, brought = sentence_units(["家里突然没电"], "家里突然没电了", lexicon, {})
    weights = {u.text: u.weight for u in units}
    assert weights["家里"] == weights["突然"] == CIRCUMSTANCE_WEIGHT
    assert weights["没电"] == OWN_WEIGHT
    assert brought == ["停电"]


def test_a_circumstance_word_inside_a_longer_known_word_is_not_one():
    lexicon = ColloquialLexicon([ColloquialEntry(("家门口",), ("占道经营",))],
                                circumstances=["门口"])
    units, _ = sentence_units(["家门口摆摊"], "家门口摆摊", lexicon, {})
    assert {u.text: u.weight for u in units}["门口"] == OWN_WEIGHT


def test_a_bigram_holding_a_light_character_outside_known_words_weighs_less():
    lexicon = ColloquialLexicon([ColloquialEntry(("检车",), ("年检",)),
                                 ColloquialEntry(("要饭",), ("流浪乞讨",))],
                                circumstances=["要", "家里"])
    assert lexicon.light == frozenset({"要"}) and lexicon.circumstances == ("家里",)
    units, _ = sentence_units(["要去检车"], "要去检车吗", lexicon, {})
    weights = {u.text: u.weight for u in units}
    assert weights["要去"] == LIGHT_WEIGHT < OWN_WEIGHT
    assert weights["检车"] == weights["去检"] == OWN_WEIGHT
    # inside a known word a light character is part of the matter
    units, _ = sentence_units(["老人要饭"], "老人要饭", lexicon, {})
    weights = {u.text: u.weight for u in units}
    assert weights["要饭"] == weights["人要"] == OWN_WEIGHT  # its 要 belongs to 要饭
    # next to a known word (a synonym's too) it is still light: 孩子能 → 子能
    units, _ = sentence_units(["孩子能上学"], "孩子能上学", ColloquialLexicon(
        [], circumstances=["能"]), {"孩子": ("儿童",)})
    assert {u.text: u.weight for u in units}["子能"] == LIGHT_WEIGHT


def test_lone_characters_count_in_titles_only():
    units, _ = sentence_units(["买房子要交"], "买房子要交多少税", ColloquialLexicon([]), {},
                              singles=["税"])
    single = [u for u in units if u.text == "税"]
    assert single and single[0].weight == SINGLE_WEIGHT
    rarity = {"税": 1.0}
    assert score_article(single, rarity, "房屋交易契税缴纳", "") > 0
    assert score_article(single, rarity, "不动产登记", "缴纳契税后领证") == 0


def test_characters_overlap_counts_title_twice_and_by_rarity():
    rarity = {"押": 2.0, "房": 0.5}
    assert score_characters(rarity, "押金", "") == 4.0
    assert score_characters(rarity, "", "押金") == 2.0
    assert score_characters(rarity, "房东", "押金") == 3.0
    assert score_characters(rarity, "公积金", "提取") == 0.0


def test_the_shipped_lexicon_knows_its_circumstance_words():
    lexicon = shipped_colloquial()
    assert "突然" in lexicon.circumstances
    assert "能" in lexicon.light and "能" not in lexicon.circumstances
    assert "突然" in lexicon.known_words and "房本" in lexicon.known_words


def test_a_spoken_word_only_inside_a_longer_one_found_is_dropped():
    lexicon = ColloquialLexicon([ColloquialEntry(("气费",), ("燃气缴费",)),
                                 ColloquialEntry(("暖气费",), ("供暖费",))])
    # 气费 stands only inside 暖气费: the caller asks about heating, not gas.
    assert dict(lexicon.officials_in("暖气费在哪交")) == {"暖气费": ("供暖费",)}
    # Said on its own as well, it is kept.
    assert set(dict(lexicon.officials_in("暖气费和气费在哪交"))) == {"暖气费", "气费"}
    assert dict(lexicon.officials_in("气费在哪交")) == {"气费": ("燃气缴费",)}
