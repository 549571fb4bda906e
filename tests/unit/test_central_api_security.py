from hypothesis import given, settings
from hypothesis import strategies as st

from central_api.security import hash_password, token_digest, verify_password


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_hash_verifies_its_password_and_nothing_else(password, other):
    stored = hash_password(password, iterations=1_000)
    assert verify_password(password, stored)
    assert verify_password(other, stored) is (other == password)
    assert password not in stored.split("$")


def test_each_hash_is_salted():
    assert hash_password("demo", iterations=1_000) != hash_password("demo", iterations=1_000)


def test_garbage_hashes_never_verify():
    for stored in ("", "md5$1$x$y", "pbkdf2_sha256$notanumber$AA==$AA==", "a$b"):
        assert not verify_password("demo", stored)


def test_token_digests_are_stable_and_hide_the_token():
    assert token_digest("abc") == token_digest("abc") != "abc"
    assert len(token_digest("abc")) == 64
