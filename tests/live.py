"""The app served on 127.0.0.1 and a free port, for tests that need a real HTTP server."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@contextmanager
def serving(app: Flask, *, quiet: bool = True, queue_size: int | None = None) -> Iterator[str]:
    """Serve ``app`` in a thread; yields the base URL and stops the server afterwards."""
    handler = QuietHandler if quiet else WSGIRequestHandler
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    if queue_size is not None:
        server.request_queue_size = queue_size
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
