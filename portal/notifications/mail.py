"""Mail transports: SMTP for real delivery, a log for the embedded default."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

log = logging.getLogger("portal.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


class Transport(Protocol):
    def send(self, mail: Mail) -> None: ...


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">"))
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


@dataclass
class LogTransport:
    """Writes each message to the log instead of sending it (no mail server needed)."""
    sender: str

    def send(self, mail: Mail) -> None:
        log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.text)


@dataclass
class SmtpTransport:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    timeout: float = 10.0

    def send(self, mail: Mail) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(build_message(mail, self.sender))


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpTransport(host=config["MAIL_SERVER"], port=int(config["MAIL_PORT"]),
                             sender=config["MAIL_FROM"], username=config.get("MAIL_USERNAME"),
                             password=config.get("MAIL_PASSWORD"),
                             use_tls=bool(config.get("MAIL_USE_TLS")))
    return LogTransport(sender=config["MAIL_FROM"])
