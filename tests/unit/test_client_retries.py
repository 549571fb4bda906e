import pytest

from agent_app.sync.client import ApiError, CentralClient, ServerAnswerError, ServerUnreachableError


class Flaky(CentralClient):
    """The transport is replaced by a script of outcomes; the retry policy is what is tested."""

    def __init__(self, outcomes, **kwargs):
        self.sleeps: list[float] = []
        super().__init__("https://hotline.example", sleep=self.sleeps.append, **kwargs)
        self.outcomes = list(outcomes)
        self.calls = 0

    def _request(self, method, path, **kwargs):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_unreachable_and_5xx_are_retried_with_growing_jittered_waits():
    client = Flaky([ServerUnreachableError("down"), ApiError(503, "busy"),
                    {"acks": [], "last_mutation_id": 0}],
                   retries=3, backoff=1.0, backoff_cap=8.0)
    assert client.push("client-1", []) == {"acks": [], "last_mutation_id": 0}
    assert client.calls == 3
    assert len(client.sleeps) == 2
    assert 0 <= client.sleeps[0] <= 1.0 and 0 <= client.sleeps[1] <= 2.0


def test_client_errors_are_not_retried():
    client = Flaky([ApiError(422, "bad")], retries=3)
    with pytest.raises(ApiError):
        client.pull(0, limit=10, epoch=None)
    assert client.calls == 1 and client.sleeps == []


def test_retries_give_up_after_the_limit():
    client = Flaky([ServerUnreachableError("down")] * 3, retries=2, backoff_cap=0.5)
    with pytest.raises(ServerUnreachableError):
        client.pull(0, limit=10, epoch="e")
    assert client.calls == 3 and all(wait <= 0.5 for wait in client.sleeps)


@pytest.mark.parametrize("answer", [
    {"acks": []},  # no last_mutation_id
    {"acks": [{"mutation_id": 1, "status": "applied"}], "last_mutation_id": 1},  # not sent
    {"acks": "all fine", "last_mutation_id": 0},
    ["not", "an", "object"],
    {"acks": [], "last_mutation_id": True},
])
def test_a_push_answer_of_another_shape_is_not_understood_not_a_keyerror(answer):
    client = Flaky([answer], retries=0)
    with pytest.raises(ServerAnswerError):
        client.push("client-1", [])


@pytest.mark.parametrize("answer", [
    {"server_epoch": "e", "cursor": 1, "more": False},  # no changes
    {"server_epoch": "e", "cursor": "1", "more": False, "changes": []},
    {"server_epoch": "e", "cursor": 1, "more": False,
     "changes": [{"version": 1, "id": "T-1", "deleted": False}]},  # no ticket
    {"server_epoch": 7, "cursor": 1, "more": False, "changes": []},
])
def test_a_pull_page_of_another_shape_is_not_understood(answer):
    client = Flaky([answer], retries=0)
    with pytest.raises(ServerAnswerError):
        client.pull(0, limit=10, epoch=None)
