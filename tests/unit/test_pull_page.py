"""The pull page is written with each ticket's stored JSON as it is (issue #10: parsing and
writing every ticket again for every client was most of a loaded server's work); it must
say exactly what the PullResponse model says."""

from __future__ import annotations

import json
from dataclasses import replace

from agent_app.core.interchange import ticket_to_dict
from central_api.sync import Change, PullResponse, pull_page
from tests.factories import make_ticket


def test_a_page_written_from_stored_json_is_the_models_page():
    confidential = replace(make_ticket("T-2"), confidential=True,
                           content='引号"与\\反斜杠、换行\n和表情😀')
    stored = [(7, "T-1", False, json.dumps(ticket_to_dict(make_ticket("T-1")),
                                           ensure_ascii=False)),
              (8, "T-\"odd\"", True, "{}"),  # a tombstone keeps no data
              (9, "T-2", False, json.dumps(ticket_to_dict(confidential), ensure_ascii=False))]
    model = PullResponse(server_epoch="epoch-1", cursor=9, more=True, changes=[
        Change(version=v, id=i, deleted=d, ticket=None if d else json.loads(data))
        for v, i, d, data in stored])

    written = pull_page("epoch-1", stored, 9, True)

    assert json.loads(written) == model.model_dump(mode="json")
    assert PullResponse.model_validate_json(written) == model


def test_an_empty_page_keeps_the_cursor():
    assert json.loads(pull_page("e", [], 41, False)) == {
        "server_epoch": "e", "changes": [], "cursor": 41, "more": False}
