"""Accounts on the central server (the admin's 用户管理, a user's own password) and the shift
handover (交班) of one installation from one user to the next. No Qt.

Handover. The server pairs a client id with the user who first pushed with it and refuses
pushes under that id from anyone else (central_api/sync.py `_locked_client`), and the
outbox is one gap-free sequence of mutation ids. So what the previous user made must reach
the server under their own sign-in before anyone else signs in here: `hand_over` pushes it,
and only with nothing left unsent does it end the session (every token of the user revoked
on the server, the keyring entry removed). Offline, nothing is ended and nothing is moved:
the changes stay in the outbox as the previous user's, and the user is told. When a different
user then signs in, the installation takes a new client id (`claim_client_for`), which the
server pairs with that user, starting after the last mutation id acknowledged here — no
mutation is ever sent under another user's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from agent_app.core.enums import Role
from agent_app.storage.database import Database
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError

CLIENT_USER_KEY = "client_user"  # who the current client id pushes for


class UnexpectedAnswerError(ServerUnreachableError):
    """The server answered with something this client does not understand (a missing or
    wrong-typed field): a problem to retry later, never a traceback."""


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    active: bool


def account_from_answer(data: Any) -> Account:
    if not isinstance(data, dict):
        raise UnexpectedAnswerError("the server's answer was not understood (not an account)")
    try:
        username, display_name = data["username"], data["display_name"]
        # A server from before accounts could be disabled sends no `active`: all are.
        role, unit_code = Role(data["role"]), data.get("unit_code")
        active = data.get("active", True)
    except (KeyError, ValueError, TypeError) as exc:
        raise UnexpectedAnswerError(
            f"the server's answer was not understood (account field {exc})") from exc
    if not (isinstance(username, str) and isinstance(display_name, str)
            and isinstance(active, bool) and (unit_code is None or isinstance(unit_code, str))):
        raise UnexpectedAnswerError("the server's answer was not understood (account types)")
    return Account(username, display_name, role, unit_code, active)


class AccountsApi:
    """The endpoints of `central_api/accounts.py`, answers checked before they are used."""

    def __init__(self, client: CentralClient) -> None:
        self._client = client

    def list_users(self) -> list[Account]:
        answer = self._client.get("/users")
        if not isinstance(answer, list):
            raise UnexpectedAnswerError("the server's answer was not understood (no list)")
        return [account_from_answer(item) for item in answer]

    def add_user(self, *, username: str, display_name: str, role: Role,
                 unit_code: str | None, password: str) -> None:
        # Not retried (a POST): a lost answer leaves the admin to refresh and see.
        self._client.post("/users", {"username": username, "display_name": display_name,
                                     "role": role.value, "unit_code": unit_code or None,
                                     "password": password})

    def set_active(self, username: str, active: bool) -> None:
        self._client.post(f"/users/{_segment(username)}/{'enable' if active else 'disable'}")

    def reset_password(self, username: str, password: str) -> None:
        self._client.put(f"/users/{_segment(username)}/password", {"password": password})

    def change_own_password(self, old_password: str, new_password: str) -> None:
        self._client.post("/auth/password", {"old_password": old_password,
                                             "new_password": new_password})


def _segment(username: str) -> str:
    return quote(username, safe="")


# Handover -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HandoverResult:
    """`ended`: the session is over and the next user may sign in. Otherwise `unsent`
    changes of the user are kept here, for `reason` (None: the server said nothing wrong
    but they were not all taken, e.g. a refusal of the client id)."""

    ended: bool
    unsent: int
    reason: BaseException | None = None
    server_told: bool = True  # False: signed out here, but the server could not be reached


def pending_changes(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.outbox.pending_count()


def hand_over(db: Database, push: Callable[[], None], logout: Callable[[], None],
              forget_token: Callable[[], None]) -> HandoverResult:
    """Send what is unsent, then end the session; with anything left unsent, end nothing.

    `push` sends the outbox (the sync engine's push); `logout` tells the server (every
    token of the user revoked); `forget_token` removes the token from this PC's keyring.
    Runs on the sync thread, so no other push can interleave.
    """
    try:
        push()
    except (ApiError, ServerUnreachableError) as exc:
        return HandoverResult(ended=False, unsent=pending_changes(db), reason=exc)
    unsent = pending_changes(db)
    if unsent:
        return HandoverResult(ended=False, unsent=unsent)
    server_told = True
    try:
        logout()
    except ApiError as exc:
        if exc.status != 401:  # 401: the token had already ended, which is what we want
            server_told = False
    except ServerUnreachableError:
        server_told = False
    forget_token()
    return HandoverResult(ended=True, unsent=0, server_told=server_told)


def client_owner(db: Database) -> str | None:
    """Who the installation's client id pushes for (None: not recorded yet)."""
    with db.unit_of_work() as uow:
        return uow.meta.get(CLIENT_USER_KEY)


class UnsentWorkOfAnotherUserError(Exception):
    def __init__(self, owner: str, unsent: int) -> None:
        super().__init__(f"{unsent} change(s) of {owner} are still unsent")
        self.owner = owner
        self.unsent = unsent


def claim_client_for(db: Database, username: str) -> bool:
    """Make the installation's client id push for `username`; True when a new id was taken.

    The id stays while the same user signs in again; for a different user (with nothing of
    the previous user's unsent: `hand_over` made sure) a new id is taken, which the server
    pairs with the new user. A cache that never recorded its user is taken to be the
    current user's (as every version before this one assumed).
    """
    with db.unit_of_work() as uow:
        owner = uow.meta.get(CLIENT_USER_KEY)
        if owner == username:
            return False
        if owner is None:
            uow.meta.set(CLIENT_USER_KEY, username)
            uow.commit()
            return False
        unsent = uow.outbox.pending_count()
        if unsent:
            # Never re-attributed: the previous user's changes keep their client id, and
            # nobody else's changes may queue behind them in the same sequence.
            raise UnsentWorkOfAnotherUserError(owner, unsent)
        uow.meta.set("client_id", str(uuid.uuid4()))
        uow.meta.set(CLIENT_USER_KEY, username)
        uow.commit()
    return True
