"""State changes of a school's network settings (do_* actions); each one is audited.

`actor` is the acting placement (an ICT coordinator of the school: `require_coordinator_of`, checked
inside the transaction before anything changes) or a `SystemActor` (command line, demo).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import Actor, require_coordinator_of
from klaspoort.accounts.pupils.card_keys import forget_school
from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.registry.models import SchoolLocation
from klaspoort.schooladmin.models import AgentToken, FixedRange, SchoolNetwork
from klaspoort.schooladmin.network import NetworkError, parse_range, single_address_network

TOKEN_PREFIX = "kpa_"  # noqa: S105 (a prefix, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _forget(school: SchoolLocation) -> None:
    """The pupil shortcut caches the network rule (accounts/pupils/cards.py): drop it now, and
    again after commit so no request in between can have cached the old rule."""
    forget_school(school.instelling_ref)
    transaction.on_commit(lambda: forget_school(school.instelling_ref))


def network_of(school: SchoolLocation) -> SchoolNetwork:
    network, _created = SchoolNetwork.objects.get_or_create(school=school)
    return network


def _effective(school: SchoolLocation, mode: str) -> list[str]:
    if mode == SchoolNetwork.Mode.FIXED:
        return list(FixedRange.objects.filter(school=school).values_list("cidr", flat=True))
    addresses = AgentToken.objects.filter(
        school=school, revoked_at__isnull=True, last_address__isnull=False
    ).values_list("last_address", flat=True)
    return sorted({single_address_network(address) for address in addresses if address})


def _refresh(network: SchoolNetwork) -> SchoolNetwork:
    network.effective_networks = _effective(network.school, network.mode)
    network.save(update_fields=["effective_networks", "updated_at"])
    _forget(network.school)
    return network


def _check_not_locked_out(network: SchoolNetwork) -> None:
    if network.restrict_pupil_shortcut and not network.effective_networks:
        raise NetworkError(
            _(
                "Dan is er geen schoolnetwerk meer bekend, terwijl de leerlingenlink alleen op het "
                "schoolnetwerk mag werken. Zet die beperking eerst uit."
            )
        )


@transaction.atomic
def do_set_network_mode(school: SchoolLocation, mode: str, *, actor: Actor) -> SchoolNetwork:
    by = require_coordinator_of(actor, school)
    if mode not in SchoolNetwork.Mode.values:
        raise NetworkError(_("Kies 'vaste adressen' of 'dynamisch adres'."))
    network = SchoolNetwork.objects.select_for_update().get(pk=network_of(school).pk)
    previous = network.mode
    network.mode = mode
    network.effective_networks = _effective(school, mode)
    _check_not_locked_out(network)
    network.save(update_fields=["mode", "effective_networks", "updated_at"])
    _forget(school)
    record_event(
        "school.network_mode", actor=by, subject=f"school:{school.code}", school_ref=school.instelling_ref,
        previous=previous, mode=mode,
    )  # fmt: skip
    return network


@transaction.atomic
def do_set_shortcut_restriction(school: SchoolLocation, restrict: bool, *, actor: Actor) -> SchoolNetwork:
    by = require_coordinator_of(actor, school)
    network = SchoolNetwork.objects.select_for_update().get(pk=network_of(school).pk)
    if restrict and not network.effective_networks:
        raise NetworkError(
            _(
                "Registreer eerst het adres van het schoolnetwerk (of laat de IP-agent het melden); "
                "anders kan geen enkele leerling meer inloggen met de schoollink."
            )
        )
    network.restrict_pupil_shortcut = restrict
    network.save(update_fields=["restrict_pupil_shortcut", "updated_at"])
    _forget(school)
    record_event(
        "school.shortcut_restriction", actor=by, subject=f"school:{school.code}",
        school_ref=school.instelling_ref, restrict=restrict,
    )  # fmt: skip
    return network


@transaction.atomic
def do_add_fixed_range(school: SchoolLocation, text: str, *, label: str = "", actor: Actor) -> FixedRange:
    by = require_coordinator_of(actor, school)
    cidr = str(parse_range(text))
    if FixedRange.objects.filter(school=school, cidr=cidr).exists():
        raise NetworkError(_("%(cidr)s is al geregistreerd.") % {"cidr": cidr})
    fixed = FixedRange.objects.create(school=school, cidr=cidr, label=label.strip()[:100])
    _refresh(SchoolNetwork.objects.select_for_update().get(pk=network_of(school).pk))
    record_event(
        "school.network_range_added", actor=by, subject=f"school:{school.code}",
        school_ref=school.instelling_ref, cidr=cidr,
    )  # fmt: skip
    return fixed


@transaction.atomic
def do_remove_fixed_range(school: SchoolLocation, range_id: int, *, actor: Actor) -> None:
    by = require_coordinator_of(actor, school)
    fixed = FixedRange.objects.filter(school=school, pk=range_id).first()
    if fixed is None:
        raise NetworkError(_("Dat adres is niet (meer) geregistreerd."))
    network = SchoolNetwork.objects.select_for_update().get(pk=network_of(school).pk)
    fixed.delete()
    _refresh(network)
    _check_not_locked_out(network)
    record_event(
        "school.network_range_removed", actor=by, subject=f"school:{school.code}",
        school_ref=school.instelling_ref, cidr=fixed.cidr,
    )  # fmt: skip


@transaction.atomic
def do_issue_agent_token(school: SchoolLocation, *, label: str = "", actor: Actor) -> tuple[AgentToken, str]:
    """A new agent token; the plain token is returned once and never stored."""
    by = require_coordinator_of(actor, school)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    agent = AgentToken.objects.create(school=school, label=label.strip()[:100], token_hash=hash_token(token))
    network_of(school)
    record_event(
        "school.agent_token_issued", actor=by, subject=f"school:{school.code}",
        school_ref=school.instelling_ref, token_id=agent.pk,
    )  # fmt: skip
    return agent, token


@transaction.atomic
def do_revoke_agent_token(school: SchoolLocation, token_id: int, *, actor: Actor) -> AgentToken:
    by = require_coordinator_of(actor, school)
    agent = AgentToken.objects.select_for_update().filter(school=school, pk=token_id).first()
    if agent is None or agent.revoked_at is not None:
        raise NetworkError(_("Die sleutel bestaat niet of is al ingetrokken."))
    agent.revoked_at = now()
    agent.save(update_fields=["revoked_at"])
    _refresh(SchoolNetwork.objects.select_for_update().get(pk=network_of(school).pk))
    record_event(
        "school.agent_token_revoked", actor=by, subject=f"school:{school.code}",
        school_ref=school.instelling_ref, token_id=agent.pk,
    )  # fmt: skip
    return agent


class UnknownAgentToken(PermissionError):
    """No active agent token matches."""


@transaction.atomic
def do_record_agent_report(token: str, address: str) -> AgentToken:
    """The IP agent reported in: remember the socket address it came from."""
    agent = (
        AgentToken.objects.select_for_update()
        .select_related("school")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, school__active=True)
        .first()
    )
    if agent is None:
        raise UnknownAgentToken("unknown or revoked agent token")
    changed = agent.last_address != address
    agent.last_address = address
    agent.last_report_at = now()
    agent.save(update_fields=["last_address", "last_report_at"])
    if changed:
        _refresh(SchoolNetwork.objects.select_for_update().get(pk=network_of(agent.school).pk))
        record_event(
            "school.agent_address_changed", actor=f"agent:{agent.pk}", subject=f"school:{agent.school.code}",
            school_ref=agent.school.instelling_ref, client_ip=address, token_id=agent.pk,
        )  # fmt: skip
    return agent


# --- mergers and splits (operator/reorganisations.py) ---


@dataclass
class NetworkCarry:
    """What of the sources' network settings a new location of a merger or split gets: the fixed
    addresses (every source's, for a merger: each building stays school network) and the pupil
    shortcut restriction (only when every source had it and the new location has fixed addresses,
    so no pupil is locked out); `notes` say what the coordinator must set again (Dutch)."""

    ranges: list[tuple[str, str]] = field(default_factory=list)  # (cidr, label)
    restrict: bool = False
    notes: list[str] = field(default_factory=list)


def network_carry(sources: Sequence[SchoolLocation]) -> NetworkCarry:
    """Three queries whatever the number of sources."""
    networks = {n.school_id: n for n in SchoolNetwork.objects.filter(school__in=sources)}
    ranges: dict[str, str] = {}
    for fixed in FixedRange.objects.filter(school__in=sources).order_by("school_id", "cidr"):
        if (
            networks.get(fixed.school_id) is None
            or networks[fixed.school_id].mode == SchoolNetwork.Mode.FIXED
        ):
            ranges.setdefault(fixed.cidr, fixed.label)
    with_agent = set(
        AgentToken.objects.filter(school__in=sources, revoked_at__isnull=True).values_list(
            "school_id", flat=True
        )
    )
    agents = sorted(school.code for school in sources if school.pk in with_agent)
    restricted = [networks[s.pk].restrict_pupil_shortcut if s.pk in networks else False for s in sources]
    carry = NetworkCarry(ranges=list(ranges.items()))
    carry.restrict = all(restricted) and bool(ranges) and not agents
    if ranges:
        carry.notes.append(
            _("Vaste adressen van het schoolnetwerk die meegaan: %(ranges)s.") % {"ranges": ", ".join(ranges)}
        )
    if carry.restrict:
        carry.notes.append(_("De leerlingenlink werkt ook op de nieuwe locatie alleen op het schoolnetwerk."))
    elif any(restricted):
        carry.notes.append(
            _(
                "Niet elke school had de leerlingenlink beperkt tot vaste adressen van het schoolnetwerk: "
                "op de nieuwe locatie staat die beperking uit. De coördinator zet haar zo nodig weer aan."
            )
        )
    if agents:
        carry.notes.append(
            _(
                "De IP-agent van %(codes)s gaat niet mee: de coördinator maakt op de nieuwe locatie een "
                "nieuwe sleutel en zet die in de agent op de school-pc."
            )
            % {"codes": ", ".join(agents)}
        )
    return carry


@transaction.atomic
def do_carry_over_network(school: SchoolLocation, carry: NetworkCarry, *, actor: Actor) -> None:
    """Give a new location of a merger or split the carried network settings (inside the caller's
    transaction; each step audited by its own action). `actor`: as for the other network actions
    (the operator's merger passes a system actor after its operator check)."""
    require_coordinator_of(actor, school)
    for cidr, label in carry.ranges:
        do_add_fixed_range(school, cidr, label=label, actor=actor)
    if carry.restrict:
        do_set_shortcut_restriction(school, True, actor=actor)
