"""A small TCP proxy on loopback that misbehaves on purpose, between a client and the server.

Modes: "pass"; "reset" (the connection is cut with a TCP reset before anything is forwarded);
"delay" (the reply comes late); "lose_reply" (the request reaches the server, which applies it,
but the reply never comes back: the classic lost acknowledgement); "truncate" (the reply is cut
off half-way).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time


class FaultProxy:
    def __init__(self, target_port: int, *, delay: float = 2.0) -> None:
        self.target_port = target_port
        self.delay = delay
        self.mode = "pass"
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._stopping = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stopping = True
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, self.mode), daemon=True).start()

    def _serve(self, client: socket.socket, mode: str) -> None:
        if mode == "reset":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        threading.Thread(target=self._pump, args=(client, upstream, None), daemon=True).start()
        self._pump(upstream, client, mode)

    def _pump(self, source: socket.socket, sink: socket.socket, mode: str | None) -> None:
        """Forward bytes; `mode` applies to the server→client direction only."""
        forwarded = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if mode == "lose_reply":
                    break
                if mode == "delay":
                    time.sleep(self.delay)
                if mode == "truncate":
                    data = data[: max(1, len(data) // 2)] if forwarded == 0 else b""
                    if not data:
                        break
                sink.sendall(data)
                forwarded += len(data)
                if mode == "truncate":
                    break
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()
