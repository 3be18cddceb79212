"""Commands that print for coordinators and operators, in their language.

A `TranslatedCommand` speaks Dutch unless told otherwise: `--language en` on the command line, or
the environment variable KLASPOORT_LANGUAGE=en for every command (a code we have no catalogue for
means Dutch, without an error, as on the site). Texts are marked as anywhere else (docs/style.md);
log lines and identifiers printed for scripts (codes, counts as key=value) stay as they are.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

ENVIRONMENT = "KLASPOORT_LANGUAGE"


def command_language(chosen: str | None) -> str:
    """`chosen`, else KLASPOORT_LANGUAGE, else the site's default (Dutch); unknown codes are Dutch."""
    wanted = (chosen or os.environ.get(ENVIRONMENT, "") or settings.LANGUAGE_CODE).strip().lower()
    known = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in known else settings.LANGUAGE_CODE


class TranslatedCommand(BaseCommand):
    """A management command whose output follows `--language` / KLASPOORT_LANGUAGE (default Dutch)."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            default=None,
            help=f"language of the output: nl (default) or en; also from {ENVIRONMENT}",
        )
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language(options.get("language"))):
            return super().execute(*args, **options)
