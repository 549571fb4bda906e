"""HTTP client of the central API: timeouts on every call, TLS verified, plain-data results."""

from __future__ import annotations

import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from agent_app.core.enums import Role
from agent_app.core.refusals import RefusedError, from_answer
from agent_app.sync import answers

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

_Checked = TypeVar("_Checked")  # what an answer checker hands back

# (connect, read) seconds: an operator should learn within seconds that the network is down.
DEFAULT_TIMEOUT = (3.05, 10.0)
API_PREFIX = "/api/v1"
_X509_V_ERR_HOSTNAME_MISMATCH = 62  # OpenSSL's verify code: the name is not on the certificate


class ApiError(Exception):
    """The server answered, and said no."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 code: str | None = None, values: tuple[str, ...] = (),
                 sentence: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field  # the request field a validation refusal (422) is about
        # The refusal's name in core/refusals.py, when the server gives one (newer servers).
        self.code, self.values, self.sentence = code, values, sentence

    @property
    def refusal(self) -> RefusedError | None:
        """The refusal of the one vocabulary the server named, or None (an older server's
        English detail, a newer server's code this client does not know)."""
        return from_answer(self.code, self.values, self.sentence)


class ServerUnreachableError(Exception):
    """No usable answer: DNS, refused, timed out, TLS failure, or garbage."""


class ServerAnswerError(ServerUnreachableError):
    """The server answered, but not in the shape this client knows (a proxy's page, a broken
    or mismatched server): nothing is applied, and the next sync tries again."""


class TlsError(ServerUnreachableError):
    """The server could not be trusted: its certificate did not verify, or the configured CA
    bundle is unusable. Never worked around by turning verification off, and not retried:
    it fails the same way until IT fixes the trust (`ca_bundle`)."""


@dataclass(frozen=True)
class UserProfile:
    username: str
    display_name: str
    role: Role
    unit_code: str | None


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    user: UserProfile


class CentralClient:
    def __init__(self, base_url: str, *, ca_bundle: str | None = None,
                 token: str | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, retries: int = 3,
                 backoff: float = 0.5, backoff_cap: float = 8.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.ca_bundle = ca_bundle
        self.token = token
        self.retries = retries
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        # Made on first use, on a network thread: importing requests costs the GUI's start-up
        # a tenth of a second it does not need before the first request.
        with self._session_lock:
            if self._session is None:
                import requests

                session = requests.Session()
                # Verification is always on; a centre with its own CA points us at its bundle.
                session.verify = self._verify
                self._session = session
            return self._session

    @property
    def _verify(self) -> str | bool:
        return self.ca_bundle or True

    def health(self) -> dict[str, Any]:
        return _checked(answers.check_health, self._request("GET", "/health"))

    def login(self, username: str, password: str) -> LoginResult:
        data = _checked(answers.check_login, self._request(
            "POST", "/auth/login", json={"username": username, "password": password}))
        try:
            return LoginResult(token=data["token"],
                               expires_at=datetime.fromisoformat(data["expires_at"]),
                               user=_profile(data["user"]))
        except ValueError as exc:
            raise ServerAnswerError(ANSWER_NOT_UNDERSTOOD) from exc

    def me(self) -> UserProfile:
        data = _checked(answers.check_profile, self._request("GET", "/auth/me"))
        try:
            return _profile(data)
        except ValueError as exc:
            raise ServerAnswerError(ANSWER_NOT_UNDERSTOOD) from exc

    def logout(self) -> None:
        self._request("POST", "/auth/logout")

    def get(self, path: str) -> Any:
        return self._request("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """Not retried: only push and pull are known to be safe to repeat."""
        return self._request("POST", path, json=body)

    def put(self, path: str, body: Any) -> Any:
        return self._request("PUT", path, json=body)

    def delete(self, path: str) -> Any:
        return self._request("DELETE", path)

    def push(self, client_id: str, mutations: list[dict[str, Any]], *,
             epoch: str | None = None, cursor: int | None = None,
             after: int | None = None) -> dict[str, Any]:
        """`epoch`, `cursor` and `after` say where this client stands (the epoch it pulled
        from, its cursor there, the last mutation id acknowledged to it), so a server
        restored from a backup notices it holds less than the client has seen."""
        body: dict[str, Any] = {"client_id": client_id, "mutations": mutations}
        body.update({key: value for key, value in
                     (("epoch", epoch), ("cursor", cursor), ("after", after))
                     if value is not None})
        # Safe to retry: the server recognises mutation ids it has already applied.
        reply = self._with_retries(lambda: self._request("POST", "/sync/push", json=body))
        return _checked(lambda r: answers.check_push_reply(r, mutations), reply)

    def pull(self, since: int, *, limit: int, epoch: str | None) -> dict[str, Any]:
        page = self._pull_page("/sync/pull", since, limit, epoch)
        return _checked(lambda p: answers.check_pull_page(p, item="ticket"), page)

    def pull_kb(self, since: int, *, limit: int, epoch: str | None) -> dict[str, Any]:
        """KB article changes after `since`; same paging, tombstones and 410 as tickets."""
        page = self._pull_page("/kb/articles", since, limit, epoch)
        return _checked(lambda p: answers.check_pull_page(p, item="article"), page)

    def _pull_page(self, path: str, since: int, limit: int, epoch: str | None
                   ) -> Any:  # the answer as decoded, not yet checked
        params: dict[str, Any] = {"since": since, "limit": limit}
        if epoch:
            params["epoch"] = epoch
        return self._with_retries(lambda: self._request("GET", path, params=params))

    def _with_retries(self, call: Callable[[], Any]) -> Any:
        """Exponential backoff with full jitter, for idempotent calls only; 4xx never retried."""
        for attempt in range(self.retries + 1):
            try:
                return call()
            except TlsError:
                raise  # the same certificate fails the same way on every try
            except ServerUnreachableError:
                if attempt == self.retries:
                    raise
            except ApiError as exc:
                if exc.status < 500 or attempt == self.retries:
                    raise
            self._sleep(random.uniform(0, min(self.backoff_cap, self.backoff * 2 ** attempt)))
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        if self.ca_bundle and not os.path.exists(self.ca_bundle):
            # requests would raise a bare OSError deep inside; say what IT has to fix.
            raise TlsError(f"the CA bundle {self.ca_bundle} (ca_bundle in the settings) does "
                           f"not exist; nothing was sent")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            # `verify` on every request, not only on the session: requests lets
            # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the environment override the session's
            # value, which would silently drop the configured ca_bundle.
            try:
                response = self.session.request(method, url, headers=headers,
                                                 timeout=self.timeout, verify=self._verify,
                                                 **kwargs)
            except requests.exceptions.ConnectionError as exc:
                if method not in _RESENDABLE or not _closed_under_us(exc):
                    raise
                # The server closed the kept-alive connection just as this request went out
                # (servers drop idle ones after a few seconds): it never saw the request, and
                # a request safe to repeat goes once more, on a new connection.
                response = self.session.request(method, url, headers=headers,
                                                 timeout=self.timeout, verify=self._verify,
                                                 **kwargs)
        except requests.exceptions.SSLError as exc:
            raise TlsError(_describe_tls(exc, self.ca_bundle)) from exc
        except requests.RequestException as exc:
            raise ServerUnreachableError(_describe(exc)) from exc
        if response.status_code >= 400:
            raise _api_error(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ServerUnreachableError("the server sent a reply that is not JSON") from exc


ANSWER_NOT_UNDERSTOOD = "the server's answer was not understood"


def _checked(check: Callable[[Any], _Checked], answer: Any) -> _Checked:
    try:
        return check(answer)
    except answers.AnswerShapeError as exc:
        log.warning("%s: %s", ANSWER_NOT_UNDERSTOOD, exc)
        raise ServerAnswerError(ANSWER_NOT_UNDERSTOOD) from exc


def _profile(data: dict[str, Any]) -> UserProfile:
    return UserProfile(username=data["username"], display_name=data["display_name"],
                       role=Role(data["role"]), unit_code=data.get("unit_code"))


def _api_error(response: requests.Response) -> ApiError:
    """The refusal: its sentence (and field) as _error_message reads them, and the refusal's
    code, values and quoted sentence when the server names them (core/refusals.py)."""
    message, field = _error_message(response)
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("code"), str):
        return ApiError(response.status_code, message, field)
    values = answer.get("values")
    sentence = answer.get("sentence")
    return ApiError(response.status_code, message, field, answer["code"],
                    tuple(str(value) for value in values) if isinstance(values, list) else (),
                    sentence if isinstance(sentence, str) else None)


def _error_message(response: requests.Response) -> tuple[str, str | None]:
    """The server's sentence, and the field it is about when the server names one (FastAPI's
    validation errors: a list of {"loc": [..., field], "msg": ...})."""
    try:
        answer = response.json()
        detail = answer.get("detail") if isinstance(answer, dict) else None
    except ValueError:
        detail = None
    if isinstance(detail, str):
        return detail, None
    if isinstance(detail, list) and detail and all(isinstance(item, dict) for item in detail):
        first = detail[0]
        loc = first.get("loc")
        field = loc[-1] if isinstance(loc, list) and loc and isinstance(loc[-1], str) else None
        messages = [str(item.get("msg")) for item in detail[:3] if item.get("msg")]
        if messages:
            return "; ".join(messages), field
    return f"HTTP {response.status_code}", None


def _describe_tls(exc: BaseException, ca_bundle: str | None) -> str:
    """What went wrong with TLS, in words IT can act on; OpenSSL's reason is kept
    ("unable to get local issuer certificate", "Hostname mismatch…", "certificate has
    expired"), found in the exceptions requests and urllib3 wrap it in."""
    verify_error = _find_cause(exc, ssl.SSLCertVerificationError)
    if verify_error is None:
        ssl_error = _find_cause(exc, ssl.SSLError)
        detail = (ssl_error.reason or str(ssl_error)) if ssl_error is not None else str(exc)
        if ca_bundle and ssl_error is not None and ssl_error.library in ("X509", "PEM"):
            return (f"the CA bundle {ca_bundle} (ca_bundle in the settings) cannot be used "
                    f"({detail}); nothing was sent")
        return f"no secure connection to the server could be made ({detail}); nothing was sent"
    reason = verify_error.verify_message or str(verify_error)
    trusted = f"the CA bundle {ca_bundle}" if ca_bundle else "this computer's trusted certificates"
    if verify_error.verify_code == _X509_V_ERR_HOSTNAME_MISMATCH:
        hint = "the server address must be the name the certificate was issued for"
    elif ca_bundle:
        hint = "IT checks that this bundle holds the authority that signed the server's certificate"
    else:
        hint = ("if the centre uses its own certificate authority, IT sets ca_bundle to that "
                "authority's certificate file")
    return (f"the server's certificate could not be verified against {trusted} ({reason}); "
            f"nothing was sent; {hint}")


def _find_cause(exc: BaseException, kind: type[BaseException]) -> Any:
    """The first exception of `kind` in `exc`'s causes, contexts and wrapped arguments."""
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        # urllib3's MaxRetryError keeps the real error in `reason`; requests in `args`.
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None),
                    *current.args]
    return None


# Methods HTTP defines as idempotent: sending one twice does no more than sending it once.
_RESENDABLE = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def _closed_under_us(exc: BaseException) -> bool:
    """The connection was closed or reset by the other side (http.client's RemoteDisconnected
    is a ConnectionResetError), not refused and not timed out."""
    return any(_find_cause(exc, kind) is not None
               for kind in (ConnectionResetError, BrokenPipeError))


def _describe(exc: requests.RequestException) -> str:
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return "the server did not answer in time"
    if not isinstance(exc, requests.exceptions.ConnectionError):
        # An address requests cannot use, a redirect loop, a broken stream: requests' own
        # words go to the log, never into a message someone reads.
        log.warning("the server could not be asked: %s", exc)
    return "cannot connect to the server"


@dataclass(frozen=True)
class SignedIn:
    """Who is using the app, against which server; `offline` when not verified this start."""

    server_url: str
    user: UserProfile
    token: str | None
    offline: bool = False
