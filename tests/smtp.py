"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), keeping what it receives."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd in its own thread; ``messages`` holds each message received, parsed."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
