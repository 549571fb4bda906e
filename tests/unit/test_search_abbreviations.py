"""Typed Latin letters read as the initials of known words (agent_app/search/abbreviations.py)."""

from agent_app.search.abbreviations import MAX_WORDS_PER_KEY, WordInitials, mixed_initials


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
