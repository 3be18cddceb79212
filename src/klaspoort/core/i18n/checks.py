"""Start-up check: every catalogue is compiled and the .mo is not older than its .po.

A missing .mo would show English visitors Dutch without any error; so production refuses to start
(an error), and a development machine is warned (the test run and `make` compile them anyway).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from klaspoort.core.i18n.catalogues import PACKAGE_DIR
from klaspoort.core.i18n.compile import catalogue_files, is_stale


@register()
def check_compiled_catalogues(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    stale = [po for po in catalogue_files(PACKAGE_DIR) if is_stale(po)]
    if not stale:
        return []
    development = getattr(settings, "DEVELOPMENT", False)
    kind, code = (CheckWarning, "core.W001") if development else (Error, "core.E001")
    return [
        kind(
            f"{len(stale)} translation catalogue(s) not compiled: "
            + ", ".join(str(po.relative_to(PACKAGE_DIR)) for po in stale),
            hint="Run `klaspoort compilemessages` (part of `make .venv/.installed`) after installing.",
            id=code,
        )
    ]
