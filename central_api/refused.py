"""HTTP refusals in the one vocabulary (agent_app/core/refusals.py): the detail is the sentence
in Chinese, as before; the code, its values and a family's quoted sentence go beside it, so a
client says the refusal in its user's language."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_app.core.refusals import Refusal, RefusedError, answer_body


class RefusedAnswer(HTTPException):
    """An HTTPException carrying one refusal of the vocabulary."""

    def __init__(self, error: RefusedError, headers: Mapping[str, str] | None = None) -> None:
        body = answer_body(error)
        super().__init__(error.status, str(body["detail"]),
                         headers=dict(headers) if headers else None)
        self.body = body


def refuse(refusal: Refusal, *values: object,
           headers: Mapping[str, str] | None = None) -> RefusedAnswer:
    """`raise refuse(NO_TICKET, ticket_id)`."""
    return RefusedAnswer(RefusedError(refusal, *values), headers)


def refused_response(error: RefusedError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The answer itself, for code that answers before FastAPI routes (RequestGuard)."""
    return JSONResponse(dict(answer_body(error)), error.status,
                        headers=dict(headers) if headers else None)


async def http_refusal(request: Request, exc: StarletteHTTPException) -> Response:
    """Every HTTPException: a refusal of the vocabulary with its code; any other as FastAPI
    answers it."""
    if isinstance(exc, RefusedAnswer):
        return JSONResponse(dict(exc.body), exc.status_code, headers=exc.headers)
    return await http_exception_handler(request, exc)


async def core_refusal(_request: Request, exc: RefusedError) -> Response:
    """A RefusedError that reached the top of an endpoint unconverted is answered as itself."""
    return refused_response(exc)
