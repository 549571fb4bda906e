"""The one password policy (agent_app/core/passwords.py)."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core import passwords
from agent_app.core.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    R_CONTROL,
    R_ONE_KIND,
    R_TOO_LONG,
    R_TOO_SHORT,
    R_USERNAME,
    explain,
    problem,
)


def test_each_rule_gives_its_reason():
    assert problem("Ab1-xyz") == R_TOO_SHORT
    assert problem("Ab1-" * 100) == R_TOO_LONG
    assert problem("Zhangsan-2026", "zhangsan") == R_USERNAME  # whatever the case
    assert problem("12345678901") == R_ONE_KIND
    assert problem("abcdefghijk") == R_ONE_KIND
    assert problem("密码密码密码密码密码密") == R_ONE_KIND  # Chinese characters are letters
    assert problem("Good-pass\t2026") == R_CONTROL
    assert problem("Good-pass-2026", "zhangsan") is None
    assert problem("密码是二〇二六年的12") is None


def test_reasons_are_filled_in_after_translation():
    assert explain(R_TOO_SHORT) == f"The password needs at least {MIN_LENGTH} characters."
    assert explain("密码至少需要 {minimum} 个字符。") == f"密码至少需要 {MIN_LENGTH} 个字符。"
    assert str(MAX_LENGTH) in explain(R_TOO_LONG)


@given(st.text(alphabet=string.printable + "汉字密码", max_size=300),
       st.text(alphabet=string.ascii_lowercase + "._-", max_size=12))
def test_whatever_is_accepted_meets_every_rule(password, username):
    if problem(password, username) is None:
        assert MIN_LENGTH <= len(password) <= MAX_LENGTH
        assert not username.strip() or username.casefold() not in password.casefold()
        assert len({passwords._kind(c) for c in password}) >= 2
        assert password.isprintable()


@given(st.lists(st.sampled_from(string.ascii_letters), min_size=MIN_LENGTH, max_size=40),
       st.lists(st.sampled_from(string.digits + "-!"), min_size=1, max_size=5))
def test_long_enough_mixed_passwords_without_the_name_are_accepted(letters, others):
    assert problem("".join(letters + others)) is None
    assert problem("".join(others + letters), "".join(letters)) == R_USERNAME
