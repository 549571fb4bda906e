"""The one base of what users may be told (core/errors.py): a core sentence with its values,
said in Chinese without Qt (the server's way) from the shipped translation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.actions import R_ROLE, CommandRefusedError
from agent_app.core.errors import UserError, fill
from agent_app.core.kb_wire import KB_QUERY_TEXT
from agent_app.core.wire import W_TEXT, WireError


def test_core_refusals_are_user_errors_said_in_chinese():
    for error in (WireError(W_TEXT), CommandRefusedError(R_ROLE)):
        assert isinstance(error, UserError) and isinstance(error, ValueError)
        said = error.translated_text()
        assert said != error.reason and any("\u4e00" <= ch <= "\u9fff" for ch in said)


def test_values_fill_the_translated_sentence():
    error = UserError(KB_QUERY_TEXT, "200")
    error.context = "Wire"
    assert error.translated_text() == "查询须为 1 至 200 个字的文字。"
    assert str(error) == "The query must be a text of 1 to 200 characters."


@given(st.lists(st.text(alphabet="ab%1", max_size=4), max_size=12))
def test_each_value_lands_in_its_own_place(values):
    placed = fill(" ".join(f"%{n}" for n in range(1, len(values) + 1)), tuple(values))
    assert placed == " ".join(values)
