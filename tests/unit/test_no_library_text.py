"""A library's own words (requests', the JSON decoder's, the OS's errno text) never make up
the message someone reads: they go to the log, and the message is a sentence of ours."""

from __future__ import annotations

import requests

from agent_app.commands.report import EXIT_FAILED, run_report
from agent_app.sync.client import _describe


def test_a_request_requests_cannot_make_is_said_in_our_words():
    for exc in (requests.exceptions.InvalidURL("Invalid URL 'x': No host supplied"),
                requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
                requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")):
        assert _describe(exc) == "cannot connect to the server"


def test_bulletin_notes_that_cannot_be_used_are_named_without_the_decoders_words(tmp_path,
                                                                               capsys):
    missing = tmp_path / "missing.json"
    assert run_report(tmp_path, "2026-11", notes=missing) == EXIT_FAILED
    said = capsys.readouterr().err
    assert f"cannot read the notes {missing}" in said and "Errno" not in said
    broken = tmp_path / "notes.json"
    broken.write_text('{"cases": ', encoding="utf-8")
    assert run_report(tmp_path, "2026-11", notes=broken) == EXIT_FAILED
    said = capsys.readouterr().err
    assert "not JSON (line 1" in said and "Expecting" not in said
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"cases": "\xe9"}')
    assert run_report(tmp_path, "2026-11", notes=latin) == EXIT_FAILED
    assert "not UTF-8 text" in capsys.readouterr().err
