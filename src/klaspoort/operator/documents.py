"""Signed PDFs (account requests, agreements): checked with pypdf, stored outside the web root
(`DOCUMENTS_DIR`, default `var/documents`), read back only through the console.

    check_pdf(data) -> PdfCheck          type, size and page count; `problem` says what is wrong
    store(data) -> StoredDocument        a random file name and the SHA-256
    path_of(name) -> Path | None
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 20
NAME_RE = re.compile(r"^[0-9a-f]{32}\.pdf$")


@dataclass(frozen=True)
class PdfCheck:
    pages: int = 0
    problem: str = ""


def check_pdf(data: bytes) -> PdfCheck:
    if len(data) > MAX_BYTES:
        return PdfCheck(problem=_("Het bestand is groter dan 5 MB."))
    if not data.startswith(b"%PDF-"):
        return PdfCheck(problem=_("Dit is geen PDF-bestand."))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return PdfCheck(problem=_("De PDF is beveiligd met een wachtwoord; stuur een onbeveiligde PDF."))
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return PdfCheck(problem=_("De PDF is beschadigd of onleesbaar."))
    if not 1 <= pages <= MAX_PAGES:
        return PdfCheck(
            problem=_("De PDF heeft %(pages)d pagina's; verwacht 1 tot %(max)d.")
            % {"pages": pages, "max": MAX_PAGES}
        )
    return PdfCheck(pages=pages)


def documents_dir() -> Path:
    return Path(getattr(settings, "DOCUMENTS_DIR", settings.VAR_DIR / "documents"))


@dataclass(frozen=True)
class StoredDocument:
    name: str
    sha256: str


def store(data: bytes) -> StoredDocument:
    folder = documents_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{uuid.uuid4().hex}.pdf"
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return StoredDocument(name=name, sha256=hashlib.sha256(data).hexdigest())


def path_of(name: str) -> Path | None:
    if not NAME_RE.match(name):
        return None
    path = documents_dir() / name
    return path if path.is_file() else None
