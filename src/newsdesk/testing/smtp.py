"""A real SMTP server on 127.0.0.1 for tests: aiosmtpd on a free port, keeping every message.

    with LocalSMTPServer() as smtp:
        send_mail(..., connection=smtp backend on smtp.port)
        message = smtp.wait_for(1)[0]
        assert smtp.links(message)

aiosmtpd is a development dependency (pyproject's dev extras); nothing in the app imports this.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Self

_LINK_RE = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, owner: LocalSMTPServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self.owner._lock:
            self.owner.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalSMTPServer:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self.port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, *, to: str = "", timeout: float = 10.0) -> list[Received]:
        """The first `count` messages (to `to`, if given), waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if not to or to.lower() in (r.lower() for r in m.rcpt_tos)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    @staticmethod
    def links(received: Received) -> list[str]:
        return _LINK_RE.findall(received.text)
