"""One running client per data folder. A second launch — an operator double-clicking again, or
the telephony system running `agent-app call --number …` for a screen pop — hands its request to
the running instance over a local socket and exits.

A screen pop carries a caller's number, so on Linux the socket lives in a folder only this
account can enter ($XDG_RUNTIME_DIR, else a 0700 folder of ours in the temporary folder):
another account can neither connect to it nor put a socket of its own where ours is looked
for. The server also checks the connecting process's user id and drops anyone else's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket as pysocket
import struct
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from agent_app.instance_socket import server_name  # noqa: F401 - where the app finds it

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096


def peer_uid(local_socket: QLocalSocket) -> int | None:
    """The user id of the process at the other end (Linux SO_PEERCRED); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    descriptor = int(local_socket.socketDescriptor())
    if descriptor < 0:
        return None
    # fromfd duplicates the descriptor, so closing ours leaves Qt's socket open.
    with pysocket.fromfd(descriptor, pysocket.AF_UNIX, pysocket.SOCK_STREAM) as duplicate:
        credentials = duplicate.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_PEERCRED,
                                           struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid


def hand_over(name: str, message: dict[str, Any], timeout_ms: int = 1000) -> bool:
    """True when a running instance took the message; False when none is listening."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps(message).encode() + b"\n")
    delivered = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return delivered


class InstanceServer(QObject):
    """Listens for hand-overs; emits each request as a dict."""

    request = Signal(dict)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._sockets: set[QLocalSocket] = set()
        # Whose connections are taken: this account's (tests pretend to be someone else).
        self.allowed_uid: int | None = os.getuid() if hasattr(os, "getuid") else None
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        if not self._server.listen(name):
            # A crashed instance leaves its socket file behind; nobody answered on it (the
            # caller checked with hand_over first), so it is safe to remove.
            QLocalServer.removeServer(name)
            if not self._server.listen(name):
                log.warning("screen pop unavailable: %s", self._server.errorString())

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()
        for socket in list(self._sockets):
            self._drop(socket)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            uid = peer_uid(socket)
            if self.allowed_uid is not None and uid is not None and uid != self.allowed_uid:
                log.warning("refused a screen-pop connection from user id %s", uid)
                socket.abort()
                socket.deleteLater()
                continue
            self._sockets.add(socket)
            buffer = bytearray()

            def read(socket: QLocalSocket = socket, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(socket.readAll().data()))
                if len(buffer) > MAX_MESSAGE_BYTES:
                    self._drop(socket)
                    return
                while b"\n" in buffer:
                    line, _, rest = bytes(buffer).partition(b"\n")
                    buffer[:] = rest
                    self._deliver(line)

            socket.readyRead.connect(read)
            socket.disconnected.connect(lambda socket=socket: self._drop(socket))
            read()

    def _drop(self, socket: QLocalSocket) -> None:
        # Disconnected first, so no signal reaches a closure after Qt deletes the socket.
        if socket not in self._sockets:
            return
        self._sockets.discard(socket)
        for signal in (socket.readyRead, socket.disconnected):
            with contextlib.suppress(RuntimeError, TypeError):  # nothing left to disconnect
                signal.disconnect()
        socket.abort()
        socket.deleteLater()

    def _deliver(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("ignored a malformed hand-over message")
            return
        if isinstance(message, dict):
            self.request.emit(message)
