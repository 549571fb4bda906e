"""What the desk sees when a save fails for a reason outside the app: the file named, what to
do about it, in the UI's language; never an English errno text."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

from agent_app.ui.failures import failure_text
from agent_app.ui.i18n import install_translator, remove_translator

PATH = "/srv/hotline/agent.db"


@pytest.fixture
def chinese(qapp) -> Iterator[None]:
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


@pytest.mark.parametrize(("number", "words"), [
    (errno.ENOSPC, "磁盘已满"), (errno.EFBIG, "磁盘已满"), (errno.EBUSY, "另一个程序占用"),
    (errno.EROFS, "无法写入"), (errno.EACCES, "无法写入"), (errno.EIO, "读写"),
])
def test_disk_and_lock_failures_name_the_file_and_say_what_to_do(chinese, number, words):
    text = failure_text(OSError(number, "database or disk is full", PATH))
    assert words in text and PATH in text
    assert "Errno" not in text and "database or disk" not in text


def test_a_librarys_own_words_never_reach_the_user(chinese):
    # Shown as they came before: Python's, the OS's and requests' English.
    unexpected = failure_text(KeyError("list index out of range"))
    assert "list index" not in unexpected and "日志" in unexpected
    missing = failure_text(OSError(errno.ENOENT, "No such file or directory", PATH))
    assert "No such file" not in missing and PATH in missing and "读写" in missing


def test_every_user_error_is_said_in_its_sentence_with_its_values(chinese):
    from agent_app.core.actions import R_ROLE, CommandRefusedError
    from agent_app.core.errors import UserError
    from agent_app.core.kb_wire import KB_NO_ARTICLE
    from central_api.mutations import RejectedError

    assert failure_text(CommandRefusedError(R_ROLE)) == "您的角色无权进行此操作。"
    from agent_app.core.assessment import A_ROLE, AdjustmentRefusedError
    # Was the English sentence in the reports screen's status line.
    assert failure_text(AdjustmentRefusedError(A_ROLE)) == "只有班长或管理员可以加扣分"
    refused = RejectedError(KB_NO_ARTICLE, "cgj-1")
    assert isinstance(refused, UserError)
    assert refused.translated_text() == "服务器上没有这条知识（cgj-1）。"


def test_the_servers_and_the_networks_english_is_never_shown(chinese):
    from agent_app.core.actions import CommandRefusedError
    from agent_app.sync.client import ApiError, ServerUnreachableError, TlsError

    validation = failure_text(ApiError(422, "String should have at least 5 characters", "text"))
    assert "String" not in validation and "服务器" in validation
    # The server's own 422 (its password policy) comes in Chinese and is shown as it came.
    assert failure_text(ApiError(422, "密码太常见。")) == "密码太常见。"
    tls = failure_text(TlsError("the server's certificate could not be verified against "
                                "this computer's trusted certificates (self-signed)"))
    assert "certificate" not in tls and "证书" in tls
    odd = failure_text(ServerUnreachableError("Invalid URL 'x': No scheme supplied"))
    assert "Invalid URL" not in odd and "服务器" in odd
    # A unit endpoint refuses in core's own sentence (English on the wire): said in Chinese.
    from agent_app.core.actions import R_STATE
    assert failure_text(ApiError(409, R_STATE)) == failure_text(CommandRefusedError(R_STATE))
    assert "moved on" not in failure_text(ApiError(409, R_STATE))


def test_a_schema_refusal_is_said_in_the_users_language_and_sql_never_shown(chinese):
    from sqlalchemy.exc import IntegrityError

    from agent_app.core.i18n import translated
    from agent_app.core.wire import W_TEXT, WireError

    assert failure_text(WireError(W_TEXT)) == translated(W_TEXT)
    leaked = IntegrityError("INSERT INTO tickets (caller_phone) VALUES (?)",
                            ("13912345678",), Exception("UNIQUE constraint failed"))
    shown = failure_text(leaked)
    assert "INSERT" not in shown and "13912345678" not in shown
