"""Which software next year's groups will see (E2): the teacher's readiness page asks the publishers
through the portal's licence client (`school_licences.next_year_overview`: all at once, each within
the portal's timeout) and shows the answers as not yet in force. Registered with
`classroom.readiness.register_software_source` from PortalConfig.ready()."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from klaspoort.classroom.access import StaffAccess
from klaspoort.classroom.readiness import PublisherAnswer
from klaspoort.portal.school_licences import next_year_overview


def next_year_software(
    access: StaffAccess, start_year: int, group_uuids: Sequence[uuid.UUID]
) -> list[PublisherAnswer]:
    answers = []
    for entry in next_year_overview(access.principal, start_year, group_uuids):
        if entry.products is None:
            answers.append(PublisherAnswer(entry.app.name, answered=False))
            continue
        products: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in entry.products:
            for group in row.groups:
                products[(group.name, group.year_group)].append(row.product.name)
        answers.append(
            PublisherAnswer(
                entry.app.name, answered=True, products={k: tuple(v) for k, v in products.items()}
            )
        )
    return answers
