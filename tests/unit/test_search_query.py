"""Whatever is typed, the MATCH expressions parse: checked against a real FTS5 table of the
index's own definition (in memory), including SQLite's syntax characters and keywords."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.search.index import FTS_DDL
from agent_app.search.lexicon import shipped_lexicon
from agent_app.search.query import MAX_PIECES, cut_at_rare_bigrams, plan_query

FTS_SYNTAX = ['"', "*", "NEAR", "NEAR(", "-", "OR", "AND", "NOT", "^", "(", ")", ":", "{", "}",
              "+", "'", "title:", "{title}:", "kb_fts"]
ODD_QUERIES = ["", " ", "\t\n", "。，！？…", '"公积金', "公积金*", "NEAR(社保 医保)", "-医保",
               "医保 OR 社保", "医保 AND NOT 社保", "x" * 10_000, "公" * 10_000, "\x00", "💡",
               "\u200b", "ＯＲ", "gjj*", "title:社保", "a" * 65]


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    for statement in FTS_DDL:
        conn.execute(statement)
    conn.execute("INSERT INTO kb_fts_title(rowid, title, meta, py_full, py_init) VALUES "
                 "(1, '公积 积金 金', '', 'gongji jijin jin', 'gj jj j')")
    conn.execute("INSERT INTO kb_fts(rowid, title, body) VALUES "
                 "(1, '公积 积金 金', 'or near 12345')")
    yield conn
    conn.close()


def _run(fts, text):
    plan = plan_query(text, shipped_lexicon())
    if plan.empty:
        return plan
    for table, expression in [("kb_fts_title", plan.strict_titles()),
                              ("kb_fts", plan.strict_bodies()),
                              ("kb_fts_title", plan.loose_titles()),
                              ("kb_fts", plan.loose_bodies())]:
        if expression:
            fts.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?",
                        (expression,)).fetchall()
    return plan


@pytest.mark.parametrize("text", ODD_QUERIES + FTS_SYNTAX)
def test_odd_and_fts_syntax_queries_parse(fts, text):
    _run(fts, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([*FTS_SYNTAX, "公积金", "医保", "gjj", "社保卡"]),
                          st.text(max_size=12)), max_size=8).map(" ".join))
def test_any_mix_of_text_and_syntax_parses(fts, text):
    _run(fts, text)


def test_operators_are_plain_words_not_syntax(fts):
    # 'or' and 'near' are in the body as words: typed in any case they find it.
    assert fts.execute("SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?", (
        plan_query("OR NEAR", shipped_lexicon()).strict_bodies(),)).fetchall() == [(1,)]


def test_punctuation_only_and_empty_queries_plan_nothing():
    for text in ["", "   ", "。，、；！", "--**\"\"()"]:
        assert plan_query(text, shipped_lexicon()).empty


def test_a_pasted_page_makes_a_bounded_query():
    plan = plan_query("公积金 医保 " * 5_000, shipped_lexicon())
    assert len(plan.pieces) == MAX_PIECES
    assert len(plan.loose_titles()) < 5_000


def test_latin_letters_are_tried_as_word_full_pinyin_and_initials():
    expression = plan_query("gongjijin", shipped_lexicon()).strict_titles()
    assert '"gongjijin"*' in expression
    assert '{py_full} : "gongji jijin"' in expression
    assert '{py_init} : "gj jj"' in plan_query("gjj", shipped_lexicon()).strict_titles()
    # Bodies have no pinyin: typed letters are looked for there only as themselves and as
    # the known words they are the initials of (abbreviations.py), never as pinyin.
    assert plan_query("gjj", shipped_lexicon()).strict_bodies() == (
        '("gjj"* OR ("公积 积金" OR "住房 房公 公积 积金"))')
    assert plan_query("qqxq", shipped_lexicon()).strict_bodies() == '("qqxq"*)'


def test_initials_of_known_words_also_look_for_the_words():
    titles = plan_query("sbk", shipped_lexicon()).strict_titles()
    assert '{title meta} : "社保 保卡"' in titles
    assert '{title meta} : "社会 会保 保障 障卡"' in titles  # its synonym
    # Cut into two known words: both wanted (which parts bring synonyms:
    # test_search_abbreviations).
    cut = plan_query("sbkbb", shipped_lexicon()).strict_titles()
    assert '({title meta} : "社保 保卡"' in cut and '{title meta} : "补办"' in cut


def test_initials_mixed_with_syllables_are_read_as_initials():
    titles = plan_query("gjjtiqu", shipped_lexicon()).strict_titles()
    assert '{py_init} : "gj jj jt tq"' in titles
    assert '{title meta} : "提取"' in titles


def test_han_pieces_also_match_by_sound_and_by_synonym():
    plan = plan_query("医保报销", shipped_lexicon())
    assert '"医疗 疗保 保险 险报 报销"' in plan.strict_titles()
    # Sounds cost bm25 time on every match: they wait for the homophone pass.
    assert "py_full" not in plan.strict_titles()
    assert '{py_full} : "yibao baobao baoxiao"' in plan.strict_titles(sounds=True)


def test_fillers_leave_the_content_and_a_lone_character_is_not_required():
    plan = plan_query("请问医保的卡怎么办", shipped_lexicon())
    assert [piece.text for piece in plan.pieces] == ["医保", "卡"]
    assert '"卡"' not in plan.strict_titles() and '"卡"*' in plan.loose_titles()
    assert '"卡"' not in (plan.loose_bodies() or "")
    assert plan_query("税", shipped_lexicon()).single_character == "税"


def test_long_chunks_are_cut_where_the_bigram_across_is_rare_in_titles():
    #                        公积 积金 金贷 贷款 款条 条件
    assert cut_at_rare_bigrams("公积金贷款条件", [90, 90, 15, 40, 0, 120]) == [
        "公积金", "贷款", "条件"]
    assert cut_at_rare_bigrams("社保卡挂失", [30, 20, 0, 9]) == ["社保卡", "挂失"]
    assert cut_at_rare_bigrams("公积金", [90, 90]) == ["公积金"]
    assert cut_at_rare_bigrams("护照", [0]) == ["护照"]  # nothing beside it to compare


def test_a_cut_chunk_wants_its_words_anywhere_in_the_title():
    plan = plan_query("公积金贷款条件", shipped_lexicon(),
                      split=lambda run: ["公积金", "贷款", "条件"])
    expression = plan.split_titles()
    assert expression is not None and expression.count(" AND ") == 2
    assert '{title meta} : "贷款"' in expression
    assert plan_query("公积金贷款条件", shipped_lexicon()).split_titles() is None
