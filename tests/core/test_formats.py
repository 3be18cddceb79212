from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

MOMENT = dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)  # 15:05 in Amsterdam


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "3 december 2026 | 15:05 | 3 december 2026, 15:05 | 3 dec 2026 | 1.234,5"),
        ("en", "3 December 2026 | 15:05 | 3 December 2026, 15:05 | 3 Dec 2026 | 1,234.5"),
    ],
)
def test_dates_times_and_numbers_follow_the_language(language: str, expected: str) -> None:
    template = Template(
        "{% load l10n %}{{ moment|date }} | {{ moment|time }} | {{ moment }} | "
        '{{ moment|date:"SHORT_DATE_FORMAT" }} | {{ amount|floatformat:"1g" }}'
    )
    with translation.override(language):
        shown = template.render(Context({"moment": MOMENT, "amount": Decimal("1234.5")}))
    assert shown == expected
