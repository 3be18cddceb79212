"""Embedded-mode mail: every message becomes one `.eml` file under settings.EMAIL_FILE_PATH."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.utils import timezone


class EmlFileBackend(FileBackend):
    """Django's file backend appends a whole connection's messages to one log file; this writes
    one standard `.eml` file per message (opens in any mail program), named by time."""

    def open(self) -> bool:
        return False

    def close(self) -> None:
        return None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(self.file_path)  # type: ignore[attr-defined]
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            sent += 1
        return sent
