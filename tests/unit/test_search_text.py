"""Tokens, pinyin, the query's word lists and snippets of the KB search (no database)."""

from hypothesis import given
from hypothesis import strategies as st

from agent_app.search.lexicon import Fillers, Synonyms
from agent_app.search.pinyin import char_syllable, phrase_syllables, split_syllables
from agent_app.search.snippet import find_spans, make_snippet, title_words_for_pinyin
from agent_app.search.text import fold, han_tokens, index_tokens


def test_han_runs_become_bigrams_and_their_last_character():
    assert han_tokens("公积金") == ["公积", "积金", "金"]
    assert han_tokens("税") == ["税"]
    assert index_tokens("住房公积金，APP提取") == "住房 房公 公积 积金 金 app 提取 取"


def test_full_width_letters_and_digits_fold_to_ascii_lower_case():
    assert fold("ＡＰＰ提取１２３３３") == "app提取12333"
    assert index_tokens("ＥＴＣ办理") == index_tokens("etc办理")


@given(st.text(max_size=200))
def test_folding_keeps_every_character_in_its_place(text):
    # Highlights are found in the folded text and shown in the original one.
    assert len(fold(text)) == len(text)


@given(st.text(max_size=200))
def test_index_tokens_are_only_han_letters_and_digits(text):
    for token in index_tokens(text).split():
        assert token.isalnum(), token


def test_titles_are_read_as_phrases_without_tones():
    assert phrase_syllables("住房公积金") == ["zhu", "fang", "gong", "ji", "jin"]
    assert phrase_syllables("银行") == ["yin", "hang"]
    assert phrase_syllables("重庆") == ["chong", "qing"]
    assert phrase_syllables("绿化") == ["lu", "hua"]  # ü is written u
    assert char_syllable("基") == char_syllable("积") == "ji"


def test_typed_latin_letters_split_into_syllables():
    assert split_syllables("gongjijin") == ["gong", "ji", "jin"]
    assert split_syllables("shebaoka") == ["she", "bao", "ka"]
    assert split_syllables("lvse") == ["lu", "se"]
    # The last syllable may be unfinished: the operator is still typing.
    assert split_syllables("gongjij") == ["gong", "ji", "j"]
    # Initials are not a reading; neither is English.
    assert split_syllables("gjj") is None
    assert split_syllables("xyz") is None
    assert split_syllables("") is None


def test_fillers_cut_a_spoken_question_down_to_its_content():
    fillers = Fillers(["怎么办", "怎么", "了", "请问", "吗"])
    assert fillers.content_chunks("社保卡丢了怎么办") == ["社保卡丢"]
    assert fillers.content_chunks("医保了怎么报") == ["医保", "报"]
    assert fillers.content_chunks("请问公积金能取吗") == ["公积金能取"]
    assert fillers.content_chunks("怎么办") == ["怎么办"]  # nothing else: keep it
    assert Fillers([]).content_chunks("医保") == ["医保"]


def test_synonyms_swap_a_word_inside_a_longer_run_both_ways():
    synonyms = Synonyms.parse(["医保 医疗保险  # comment", "社保卡 社会保障卡", ""])
    assert synonyms.variants("医保报销") == ["医疗保险报销"]
    assert synonyms.variants("医疗保险报销") == ["医保报销"]
    assert synonyms.variants("社保卡挂失") == ["社会保障卡挂失"]
    assert synonyms.variants("公积金") == []


def test_spans_prefer_longer_terms_and_never_overlap():
    assert find_spans("住房公积金提取", ["公积", "公积金", "提取"]) == [(2, 5), (5, 7)]


def test_snippet_shows_the_part_of_the_body_that_matches():
    body = "第一段说明办理时间。" * 10 + "住房公积金租房提取可在线办理。" + "其他说明。" * 10
    snippet, highlights = make_snippet(body, ["公积金", "租房"], width=40)
    assert "住房公积金租房提取" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert sorted(snippet[s:e] for s, e in highlights) == ["公积金", "租房"]


def test_snippet_highlights_ignore_case_and_full_width():
    snippet, highlights = make_snippet("下载ＡＰＰ后提取", ["app"])
    assert [snippet[s:e] for s, e in highlights] == ["ＡＰＰ"]


def test_snippet_of_an_unmatched_body_is_its_start():
    snippet, highlights = make_snippet("短文本\n第二行", ["无关"])
    assert (snippet, highlights) == ("短文本 第二行", ())


def test_pinyin_queries_find_the_words_of_the_title_they_stand_for():
    title, reading = "住房公积金租房提取", "zhu fang gong ji jin zu fang ti qu"
    assert title_words_for_pinyin(title, reading, [["g", "j", "j"]]) == ["公积金"]
    assert title_words_for_pinyin(title, reading, [["gong", "ji", "jin"]]) == ["公积金"]
    assert title_words_for_pinyin(title, reading, [["ti", "q"]]) == ["提取"]
    assert title_words_for_pinyin(title, reading, [["yi", "bao"]]) == []
