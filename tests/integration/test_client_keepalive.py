"""A server that drops a kept-alive connection just as the next request goes out (uvicorn
closes idle ones after 5 s): a request safe to repeat is sent again on a new connection; a
POST is not, and the failure is reported as such."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from agent_app.sync.client import CentralClient, ServerUnreachableError


class DropsSecondRequest(BaseHTTPRequestHandler):
    """Answers the first request on each connection and keeps it open; closes the connection
    on the second without answering, as a server does whose idle timer ran out."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def setup(self) -> None:
        super().setup()
        self.answered = 0

    def _serve(self) -> None:
        if self.answered:
            self.close_connection = True
            self.connection.close()
            return
        self.answered += 1
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _serve  # noqa: N815

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    DropsSecondRequest.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DropsSecondRequest)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_idempotent_request_on_a_dropped_connection_is_sent_again(server):
    client = CentralClient(server, retries=0)  # not the backoff retries: the resend alone
    assert client.get("/first") == {"ok": True}
    assert client.get("/second") == {"ok": True}
    assert client.put("/third", {"a": 1}) == {"ok": True}
    assert DropsSecondRequest.seen == ["GET /api/v1/first", "GET /api/v1/second",
                                       "PUT /api/v1/third"]


def test_a_post_on_a_dropped_connection_is_not_repeated(server):
    client = CentralClient(server, retries=0)
    assert client.get("/first") == {"ok": True}
    with pytest.raises(ServerUnreachableError):
        client.post("/tickets/T-1/notes", {"text": "回访"})
    assert DropsSecondRequest.seen == ["GET /api/v1/first"]
