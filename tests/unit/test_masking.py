import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.masking import (
    forget_confidential_names,
    mask_name,
    mask_phone,
    mask_phones_in_text,
    mask_sensitive_text,
    remember_confidential_name,
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


# Item 9: every way a number is written, confidential names, Authorization headers ----------

WRITTEN_MOBILES = ["+86 13912345678", "+86-139-1234-5678", "+8613912345678", "8613912345678",
                   "0086 139 1234 5678", "008613912345678", "139-1234-5678", "139 1234 5678",
                   "139.1234.5678"]
WRITTEN_LANDLINES = ["(0375)1234567", "(0375) 1234567", "（0375）1234567", "0375-1234567",
                     "0375 1234567", "03751234567", "+86 375 1234567", "0086-375-1234567",
                     "0375-123-4567"]


@pytest.mark.parametrize("written", WRITTEN_MOBILES)
def test_a_mobile_in_any_format_is_masked(written):
    masked = mask_sensitive_text(f"呼入 {written}，来电")
    assert masked == "呼入 139****5678，来电"


@pytest.mark.parametrize("written", WRITTEN_LANDLINES)
def test_a_landline_in_any_format_is_masked(written):
    masked = mask_sensitive_text(f"caller={written};")
    assert masked == "caller=0375-***4567;"


def test_a_beijing_landline_keeps_its_three_digit_area_code():
    assert mask_sensitive_text("(010)12345678") == "010-****5678"


def test_ids_dates_and_digests_are_not_taken_for_phones():
    line = ("ticket 20261123 at 2026-12-01 23:01:56 id T20261201-0001 mutation 13912345 "
            "client 3f1e2d4c-1234-4abc-8def-0123456789ab version 1.2.3 port 8000")
    assert mask_sensitive_text(line) == line


@given(st.from_regex(r"1[3-9]\d{2}", fullmatch=True), st.from_regex(r"\d{4}", fullmatch=True),
       st.from_regex(r"\d{3}", fullmatch=True), st.sampled_from(["", " ", "-"]),
       st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86 "]))
def test_no_mobile_survives_in_any_grouping(first4, last4, middle3, sep, country):
    digits = f"{first4}{middle3}{last4}"  # 11 digits
    written = f"{country}{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}"
    assert mask_sensitive_text(f"来电{written}。") == f"来电{digits[:3]}****{last4}。"


def test_confidential_names_are_masked_however_they_are_spaced():
    forget_confidential_names()
    remember_confidential_name("李四")
    try:
        masked = mask_sensitive_text("insert failed: ('李四', '李 四', '李·四', '李　四')")
        assert "李四" not in masked and "李 四" not in masked and "李·四" not in masked
        assert "李　四" not in masked
        assert masked.count("李*") == 4
        # A name nobody marked confidential stays: logs must still be readable.
        assert mask_sensitive_text("王五") == "王五"
    finally:
        forget_confidential_names()


@pytest.mark.parametrize("header", [
    "Authorization: Bearer abc.DEF-123", "authorization: basic dXNlcjpwYXNz",
    "{'Authorization': 'abc.DEF-123'}", '"authorization": "Token abc.DEF-123"',
    "Authorization=abc.DEF-123"])
def test_authorization_headers_lose_their_credentials(header):
    masked = mask_sensitive_text(header)
    assert "abc.DEF-123" not in masked and "dXNlcjpwYXNz" not in masked
    assert "***" in masked


@given(name=st.text(alphabet="李四王小明张伟", min_size=2, max_size=4),
       gaps=st.lists(st.sampled_from(["", " ", "·", "-", "　", "（", "、"]), min_size=3,
                     max_size=3))
def test_logs_and_units_find_a_confidential_name_written_any_way_alike(name, gaps):
    """One rule (masking.name_pattern) for both: the log mask once missed 李（四 and 李、四."""
    from agent_app.core.masking import identity_patterns, mask_confidential_names, withhold_identity

    written = "".join(ch + gaps[i % len(gaps)] for i, ch in enumerate(name)).strip()
    text = f"来电人{written}反映"
    remember_confidential_name(name)
    try:
        for_logs = mask_confidential_names(text)
    finally:
        forget_confidential_names()
    for_units = withhold_identity(text, identity_patterns(name, ""))
    assert written not in for_logs and written not in for_units
