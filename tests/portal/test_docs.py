"""The partner guide's example answer is one klaspoort accepts, and says what the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from klaspoort.portal.answer import AnswerLimits, parse_answer
from klaspoort.portal.config import portal_config

GUIDE = Path(settings.PROJECT_DIR) / "docs" / "partners" / "licences.md"
OPENAPI = GUIDE.with_name("licences.openapi.yaml")


def test_the_example_answer_in_the_guide_is_valid() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    example = re.search(r"## The answer.*?```json\n(.*?)```", text, re.S)
    assert example is not None
    products = parse_answer(example.group(1).encode(), AnswerLimits())
    assert [(p.id, p.audience, p.allowed_at_home, p.launch_method) for p in products] == [
        ("rekenwijs-oefenen", "pupil", True, "oidc"),
        ("rekenwijs-toets", "pupil", False, "saml"),
        ("rekenwijs-leerkracht", "teacher", True, "oidc"),
    ]


def test_the_documented_limits_are_the_defaults() -> None:
    config = portal_config()
    text = GUIDE.read_text(encoding="utf-8")
    assert config.limits.max_bytes == 256 * 1024
    assert "**256 kB**" in text
    assert config.limits.max_products == 200
    assert "At most 200 products" in text
    assert "maxItems: 200" in OPENAPI.read_text(encoding="utf-8")
    assert config.timeout == 1.5
    assert "**1.5 seconds**" in text


def test_the_example_school_answer_in_the_guide_is_valid() -> None:
    from klaspoort.portal.school_licences import parse_school_answer

    text = GUIDE.read_text(encoding="utf-8")
    example = re.search(r"## The school's licence overview.*?```json\n(.*?)```", text, re.S)
    assert example is not None
    (product,) = parse_school_answer(example.group(1).encode(), AnswerLimits())
    assert (product.id, product.pupils, product.teachers, len(product.groups)) == (
        "rekenwijs-oefenen",
        47,
        2,
        2,
    )
    assert "SchoolLicenceAnswer:" in OPENAPI.read_text(encoding="utf-8")
