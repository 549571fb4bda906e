import logging

import pytest

from agent_app.logging_setup import LOG_FILENAME, configure_logging, current_log_dir


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved
    root.setLevel(level)


def test_the_log_file_masks_phones_tokens_and_tracebacks(tmp_path, restore_logging):
    configure_logging(log_dir=tmp_path / "logs")
    assert current_log_dir() == tmp_path / "logs"
    log = logging.getLogger("agent_app.test")
    log.info("caller %s, token=%s", "13812345678", "abc.def")
    try:
        raise ValueError("no ticket for 0375-2345678")
    except ValueError:
        log.exception("lookup failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "logs" / LOG_FILENAME).read_text(encoding="utf-8")
    assert "138****5678" in text and "token=***" in text
    assert "ValueError: no ticket for 0375-***5678" in text
    assert "13812345678" not in text and "abc.def" not in text and "2345678" not in text


def test_a_log_folder_that_cannot_be_written_leaves_the_console(tmp_path, capsys,
                                                                restore_logging):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    configure_logging(log_dir=blocked / "logs")
    assert current_log_dir() is None
    assert f"cannot write the log file in {blocked / 'logs'}" in capsys.readouterr().err
