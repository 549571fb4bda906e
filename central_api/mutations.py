"""What a pushed change is (sync.py applies them, ticket_writes.py and kb_writes.py handle
them), and the refusal a handler raises."""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictInt
from sqlalchemy.orm import Session

from agent_app.core.errors import UserError, fill
from agent_app.core.i18n import translated
from central_api.deps import MAX_VERSION, RequestBody


class Mutation(RequestBody):
    # Strict: a client that sends `true` or "7" is broken, and is told so.
    mutation_id: StrictInt = Field(ge=1, le=MAX_VERSION)
    op: str = Field(min_length=1, max_length=40)
    entity_id: str = Field(min_length=1, max_length=40)
    args: dict[str, Any]
    base_version: StrictInt | None = Field(default=None, ge=0, le=MAX_VERSION)


class RejectedError(UserError):
    """The mutation cannot be applied; the client is told why, in Chinese (the reason is one
    of core's fixed sentences — wire, command or KB — translated by the shipped translation)."""

    def translated_text(self, language: str = "zh_CN") -> str:
        return fill(translated(self.reason, language=language), self.values)


_CLIENT_OF_PUSH = "push_client_id"  # session.info: the client whose batch is being applied


def mutation_client(session: Session) -> str | None:
    return session.info.get(_CLIENT_OF_PUSH)

