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


def test_other_failures_keep_their_own_words(chinese):
    assert failure_text(ValueError("工单不存在")) == "工单不存在"
    assert failure_text(OSError(errno.ENOENT, "No such file", PATH)) == "No such file"


def test_a_schema_refusal_is_said_in_the_users_language_and_sql_never_shown(chinese):
    from sqlalchemy.exc import IntegrityError

    from agent_app.core.i18n import translated
    from agent_app.core.wire import W_TEXT, WireError

    assert failure_text(WireError(W_TEXT)) == translated(W_TEXT)
    leaked = IntegrityError("INSERT INTO tickets (caller_phone) VALUES (?)",
                            ("13912345678",), Exception("UNIQUE constraint failed"))
    shown = failure_text(leaked)
    assert "INSERT" not in shown and "13912345678" not in shown
