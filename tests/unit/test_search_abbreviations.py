"""Typed Latin letters read as the initials of known words (agent_app/search/abbreviations.py)."""

from agent_app.search.abbreviations import (
    MAX_WORDS_PER_KEY,
    WordInitials,
    mixed_initials,
    mixed_units,
)


def test_words_are_found_by_the_initials_of_their_reading():
    known = WordInitials(["社保卡", "物业费", "补办", "银行", "12348法律咨询", "社保 卡"])
    assert known.words_for("sbk") == ["社保卡"]
    assert known.words_for("yh") == ["银行"]  # pypinyin reads the phrase: hang, not xing
    assert known.words_for("flzx") == []  # not a plain Han word
    assert known.words_for("sb") == []
    assert len(known) == 4


def test_letters_are_cut_into_known_words_fewest_parts_first():
    known = WordInitials(["社保卡", "补办", "社保", "卡补"])
    cuts = known.cuts("sbkbb")
    assert cuts[0] == ["sbk", "bb"]
    assert ["sb", "kb"] not in cuts  # a leftover letter is not a word
    assert known.cuts("sbkx") == []
    assert known.cuts("s") == []


def test_each_initials_key_holds_a_bounded_number_of_words():
    known = WordInitials(["办法", "报复", "帮扶", "包方", "白饭", "不凡"])
    assert len(known.words_for("bf")) == MAX_WORDS_PER_KEY


def test_readings_are_made_on_first_use_only():
    known = WordInitials(["社保卡"])
    assert known._built is None
    known.words_for("sbk")
    assert known._built is not None


def test_syllables_mixed_with_initials_give_the_initials():
    assert mixed_initials("gjjtiqu") == ["g", "j", "j", "t", "q"]
    assert mixed_initials("sbkbuban") == ["s", "b", "k", "b", "b"]
    assert mixed_initials("shebaoka") is None  # all syllables: full pinyin
    assert mixed_initials("sbk") is None  # all initials
    assert mixed_initials("gjj1") is None
    assert mixed_initials("x") is None


def test_a_long_part_of_a_cut_brings_its_synonyms_a_short_one_does_not():
    from agent_app.search.lexicon import Fillers, Lexicon, Synonyms
    from agent_app.search.query import plan_query

    groups = [["社保卡", "社会保障卡"], ["补办", "补领"], ["护照", "出入境证件"]]
    lexicon = Lexicon(Synonyms(groups), Fillers([]), WordInitials(["社保卡", "补办", "护照"]))
    titles = plan_query("sbkbb", lexicon).strict_titles()
    assert '{title meta} : "社会 会保 保障 障卡"' in titles  # sbk: three letters
    assert '{title meta} : "补领"' not in titles  # bb: two letters of a longer cut
    assert "出入" not in plan_query("hzbb", lexicon).strict_titles()
    assert '{title meta} : "出入 入境 境证 证件"' in plan_query("hz", lexicon).strict_titles()


def test_a_homophone_of_a_known_word_is_found_where_it_stands():
    known = WordInitials(["低保", "社保卡", "社保", "护照"])
    assert known.sound_alikes("低报申请") == [(0, 2, "低保")]
    assert known.sound_alikes("社宝卡补办")[0] == (0, 3, "社保卡")  # the longest first
    assert known.sound_alikes("低保申请") == []  # typed as the word itself: no typo
    assert known.sound_alikes("申请") == []
    assert known.sound_alikes("护") == []


def test_a_homophone_typo_is_looked_for_as_the_word_and_its_synonyms_in_the_sound_pass():
    from agent_app.search.lexicon import Fillers, Lexicon, Synonyms
    from agent_app.search.query import plan_query

    lexicon = Lexicon(Synonyms([["低保", "最低生活保障"]]), Fillers([]), WordInitials(["低保"]))
    plan = plan_query("低报申请", lexicon)
    assert '{title meta} : "最低 低生 生活 活保 保障 障申 申请"' in plan.strict_titles(sounds=True)
    assert "最低" not in plan.strict_titles()  # only where typed text is matched by sound


def test_full_pinyin_is_cut_into_known_words_by_their_reading():
    known = WordInitials(["残疾证", "社保卡", "补办", "社保"])
    assert known.sound_cuts(["can", "ji", "zheng"]) == [["can ji zheng"]]
    assert known.sound_cuts(["she", "bao", "ka", "bu", "ban"])[0] == ["she bao ka", "bu ban"]
    assert known.sound_cuts(["can", "ji"]) == []
    assert known.words_sounding("can ji zheng") == ["残疾证"]


def test_typed_full_pinyin_of_a_known_word_looks_for_its_synonyms_as_han_text():
    from agent_app.search.lexicon import Fillers, Lexicon, Synonyms
    from agent_app.search.query import plan_query

    lexicon = Lexicon(Synonyms([["残疾证", "残疾人证"]]), Fillers([]), WordInitials(["残疾证"]))
    plan = plan_query("canjizheng办理", lexicon)
    assert '{title meta} : "残疾 疾人 人证"' in plan.strict_titles()
    assert plan.strict_bodies() is not None  # the pinyin piece now has Han text for bodies
    assert "残疾" not in plan_query("canjizhen", lexicon).strict_titles()  # still typing


def test_a_window_cutting_through_a_word_typed_right_is_no_typo():
    known = WordInitials(["医保", "报销", "宝宝"])
    assert known.sound_alikes("医保报销") == []  # 保报 sounds like 宝宝, but cuts 医保


def test_mixed_units_read_misspelt_pinyin_as_syllables_and_stray_letters():
    assert mixed_units("butre") == ["bu", "t", "re"]
    assert mixed_units("gjjtiqu") == ["g", "j", "j", "ti", "qu"]
    assert mixed_units("shebaoka") == ["she", "bao", "ka"]
    assert mixed_units("vvv") is None  # no syllable starts with v
    assert mixed_units("x") is None
