from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.masking import (
    mask_name,
    mask_phone,
    mask_phones_in_text,
    mask_sensitive_text,
)


def test_phones_keep_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0375-2345678") == "0375-***5678"
    assert mask_phone("123") == "***"


def test_names_keep_the_surname():
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
    assert mask_name("  ") == ""


def test_numbers_in_log_text_are_masked():
    line = "caller 13812345678 called back from 0375-2345678 about ticket 20261123"
    masked = mask_phones_in_text(line)
    assert "13812345678" not in masked and "2345678" not in masked
    assert "138****5678" in masked and "20261123" in masked


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.text(alphabet="路灯不亮 ", max_size=20))
def test_no_mobile_number_survives_masking(phone, text):
    assert phone not in mask_phones_in_text(f"{text}{phone}{text}")


def test_tokens_and_passwords_lose_their_values():
    line = ('POST /auth/login {"username": "op01", "password": "s3cret!"} -> token=abc.DEF-123 '
            "Authorization: Bearer eyJhbGciOi.x.y&next=1")
    masked = mask_sensitive_text(line)
    for secret in ("s3cret!", "abc.DEF-123", "eyJhbGciOi.x.y"):
        assert secret not in masked
    assert '"password": "***"' in masked and "token=***" in masked and "Bearer ***" in masked
    assert '"username": "op01"' in masked and "&next=1" in masked


@given(st.text(alphabet="abcdefXYZ0123456789._-", min_size=1, max_size=40))
def test_no_bearer_token_survives_masking(token):
    assert token not in mask_sensitive_text(f"Authorization: Bearer {token}").split("Bearer")[1]
