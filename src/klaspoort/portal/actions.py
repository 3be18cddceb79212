"""State-changing portal actions. A launch writes an audit event; the disclosure record of the data
itself is written by `federation.disclosure.disclose`."""

from __future__ import annotations

from klaspoort.accounts.principal import Principal
from klaspoort.audit.events import record_event
from klaspoort.portal.launch import Go, Refusal, plan_launch, plan_target_launch


def do_launch(principal: Principal, app_slug: str, product_id: str) -> Go | Refusal:
    return _recorded(principal, plan_launch(principal, app_slug, product_id))


def do_launch_target(principal: Principal, target: str) -> Go | Refusal:
    """The deep-link form (`TARGET`), e.g. after a pupil shortcut login."""
    return _recorded(principal, plan_target_launch(principal, target))


def _recorded(principal: Principal, outcome: Go | Refusal) -> Go | Refusal:
    actor = f"{principal.kind}:{principal.person}"
    if isinstance(outcome, Refusal):
        record_event("portal.launch", outcome=outcome.reason, actor=actor, school_ref=principal.school)
        return outcome
    record_event(
        "portal.launch",
        actor=actor,
        subject=f"app:{outcome.app}",
        school_ref=principal.school,
        product=outcome.product,
        method=outcome.method,
        context=principal.context,
    )
    return outcome
