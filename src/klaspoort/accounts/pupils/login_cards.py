"""Login cards: a printed card per pupil whose QR code signs the pupil in at school (C4, beyond).

The QR code holds the school's pupil link with the pupil's slug and a secret:

    <BASE_URL>/s/<INSTELLING_REF>/kaart/<slug>/<secret>/

- `secret` is 128 random bits, printed and never stored: the credential keeps only
  `card_hash`, an HMAC-SHA256 of "<slug>|<secret>" keyed with SECRET_KEY (salt CARD_SALT),
  compared in constant time (SECRET_KEY_FALLBACKS still verify, so rotating the key does not void
  the cards at once).
- A new card overwrites the hash: the old card is refused from that moment (revoking = printing).
- It works only through the pupil's own school's link (another school's reference finds nobody),
  for an active pupil in a home group in force, and, when the school restricts its pupil link to the
  school network, only from there.
- The pupil still confirms by tapping their own picture among CHOICES pictures. The set is the
  same every time for one card (seeded by its hash), so reloading the page gives nothing away.
- Throttled with the PIN's counters (throttle.py: per pupil and device, and per pupil) and audited:
  `pupil.card_opened` (scanned, card valid), `pupil.login` with method=card (ok, or failed with
  the reason: revoked, picture, network, throttled; unknown cards have no pupil to name).

    do_issue_login_cards(placement, group, pupil=None, *, actor) -> list[IssuedCard]
    open_card(ref, slug, secret, *, device, client_ip) -> CardCheck           the GET (scan)
    do_card_login(ref, slug, secret, picture, *, device, client_ip) -> CardCheck   the POST
"""

from __future__ import annotations

import hmac
import math
import random
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from klaspoort.accounts.permissions import can_print_login_cards
from klaspoort.accounts.pupils import crypto
from klaspoort.accounts.pupils.actions import group_credentials, note_failed_attempt
from klaspoort.accounts.pupils.allocation import ALL_KEYS, PLAIN_COUNT
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.network_rule import network_rule
from klaspoort.accounts.pupils.queries import card_seat, has_credential
from klaspoort.accounts.pupils.throttle import PupilThrottle, Verdict
from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.core.networks import address_in
from klaspoort.roster.models import Group, PupilMembership, StaffPlacement

CARD_SALT = "klaspoort.pupil-login-card"
CHOICES = 4
SECRET_BYTES = 16


class NotAllowed(PermissionError):
    """The staff member may not print login cards for this group (nothing was changed)."""


@dataclass(frozen=True)
class IssuedCard:
    """One freshly printed card: only the printed sheet ever sees `url` (it holds the secret)."""

    membership: PupilMembership
    credential: PupilCredential
    url: str
    kind: CodeKind
    code: str

    @property
    def pin(self) -> str:
        return self.code if self.kind == CodeKind.PIN else ""

    @property
    def pictures(self) -> list[str]:
        return self.code.split(",") if self.kind == CodeKind.PICTURES else []


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def card_hash(slug: str, secret: str, key: str | bytes | None = None) -> str:
    return salted_hmac(CARD_SALT, f"{slug}|{secret}", secret=key, algorithm="sha256").hexdigest()


def card_matches(credential: PupilCredential, secret: str) -> bool:
    """Is `secret` the one of the pupil's card in force? Constant-time, every configured key."""
    if not credential.card_hash or not secret:
        return False
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(
        hmac.compare_digest(credential.card_hash, card_hash(credential.slug, secret, key)) for key in keys
    )


def card_url(school_ref: uuid.UUID, slug: str, secret: str) -> str:
    return f"{settings.BASE_URL}/s/{school_ref}/kaart/{slug}/{secret}/"


def do_issue_login_cards(
    placement: StaffPlacement, group: Group, pupil: uuid.UUID | None = None, *, actor: str
) -> list[IssuedCard]:
    """New cards for the group's active pupils (or the one `pupil` of it): a new secret each, which
    revokes the previous card. Raises NotAllowed for anyone but a coordinator or the group's own
    teacher. The same number of queries for any group size."""
    with transaction.atomic():
        if not can_print_login_cards(placement, group):
            raise NotAllowed("login cards: not a teacher of this group or a coordinator")
        members = [
            membership
            for membership in group_credentials(group)
            if (pupil is None or membership.pupil.uuid == pupil) and has_credential(membership.pupil)
        ]
        moment = now()
        school_ref = group.school.instelling_ref
        issued = []
        for membership in members:
            credential = membership.pupil.pupil_credential
            secret = new_secret()
            credential.card_hash = card_hash(credential.slug, secret)
            credential.card_issued_at = moment
            kind, code = crypto.unseal(credential.secret, membership.pupil.uuid)
            url = card_url(school_ref, credential.slug, secret)
            issued.append(IssuedCard(membership, credential, url, CodeKind(kind), code))
        PupilCredential.objects.bulk_update(
            [card.credential for card in issued], ["card_hash", "card_issued_at"]
        )
        if issued:
            record_event(
                "pupil.cards_printed", actor=actor, subject=f"group:{group.uuid}", school_ref=school_ref,
                pupils=[str(card.membership.pupil.uuid) for card in issued], codes_shown=True,
            )  # fmt: skip
    return issued


def picture_choices(credential: PupilCredential) -> list[str]:
    """The pupil's own picture among CHOICES - 1 other drawings, the same set and order for one card."""
    own = credential.picture
    own_drawing = own.partition(".")[0]
    rng = random.Random(credential.card_hash or credential.slug)
    others = [key for key in ALL_KEYS[:PLAIN_COUNT] if key != own_drawing]
    picks = [*rng.sample(others, CHOICES - 1), own]
    rng.shuffle(picks)
    return picks


@dataclass(frozen=True)
class CardCheck:
    """What came of a card: `problem` '' when it may go on (GET) or signed in (POST)."""

    problem: str  # "", "unknown", "network", "revoked", "picture", "throttled"
    credential: PupilCredential | None = None
    wait_seconds: int = 0
    choices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem


def _locate(ref: uuid.UUID, slug: str, client_ip: str | None) -> tuple[PupilCredential | None, str]:
    credential = card_seat(ref, slug)
    if credential is None:
        record_event(
            "pupil.login", outcome="failed", school_ref=ref, client_ip=client_ip or None, method="card",
            reason="unknown",
        )  # fmt: skip
        return None, "unknown"
    restrict, networks = network_rule(credential.pupil.school)
    if restrict and not address_in(networks, client_ip or ""):
        _failed(credential, ref, client_ip, "network")
        return credential, "network"
    return credential, ""


def _failed(credential: PupilCredential, ref: uuid.UUID, client_ip: str | None, reason: str) -> None:
    record_event(
        "pupil.login", outcome="failed", subject=f"pupil:{credential.pupil.uuid}", school_ref=ref,
        client_ip=client_ip or None, method="card", reason=reason,
    )  # fmt: skip


def _held(
    credential: PupilCredential, ref: uuid.UUID, client_ip: str | None, verdict: Verdict
) -> CardCheck | None:
    """A wait is running for this pupil (a throttled attempt is audited too), or None."""
    if verdict.wait <= 0:
        return None
    _failed(credential, ref, client_ip, "throttled")
    return CardCheck("throttled", credential, verdict.wait_seconds)


def open_card(
    ref: uuid.UUID,
    slug: str,
    secret: str,
    *,
    device: str,
    client_ip: str | None,
    throttle: PupilThrottle | None = None,
) -> CardCheck:
    """A scanned card (GET): the picture choices when it is valid; nothing is counted then. A wrong
    or revoked secret counts as a mistake, like a wrong PIN."""
    throttle = throttle or PupilThrottle()
    credential, problem = _locate(ref, slug, client_ip)
    if credential is None or problem:
        return CardCheck(problem, credential)
    pupil = credential.pupil
    held = _held(credential, ref, client_ip, throttle.check(pupil.uuid, device))
    if held is not None:
        return held
    if not card_matches(credential, secret):
        admitted = throttle.admit(pupil.uuid, device)
        held = _held(credential, ref, client_ip, admitted)
        if held is not None:
            return held
        wait = throttle.settle(pupil.uuid, device, admitted, ok=False)
        note_failed_attempt(credential)
        _failed(credential, ref, client_ip, "revoked")
        return CardCheck("revoked", credential, math.ceil(wait))
    record_event(
        "pupil.card_opened", subject=f"pupil:{pupil.uuid}", school_ref=ref, client_ip=client_ip or None
    )
    return CardCheck("", credential, choices=picture_choices(credential))


def do_card_login(
    ref: uuid.UUID,
    slug: str,
    secret: str,
    picture: str,
    *,
    device: str,
    client_ip: str | None,
    throttle: PupilThrottle | None = None,
) -> CardCheck:
    """The pupil tapped a picture (POST): signed in (the caller starts the session) when the card is
    in force and the picture is the pupil's own. Throttled and counted like a PIN attempt."""
    throttle = throttle or PupilThrottle()
    credential, problem = _locate(ref, slug, client_ip)
    if credential is None or problem:
        return CardCheck(problem, credential)
    pupil = credential.pupil
    verdict = throttle.admit(pupil.uuid, device)
    held = _held(credential, ref, client_ip, verdict)
    if held is not None:
        return held
    card_ok = card_matches(credential, secret)
    picture_ok = hmac.compare_digest(picture.encode(), credential.picture.encode())
    if card_ok and picture_ok:
        throttle.settle(pupil.uuid, device, verdict, ok=True)
        record_event(
            "pupil.login", subject=f"pupil:{pupil.uuid}", school_ref=ref, client_ip=client_ip or None,
            context="school", method="card",
        )  # fmt: skip
        return CardCheck("", credential)
    wait = throttle.settle(pupil.uuid, device, verdict, ok=False)
    note_failed_attempt(credential)
    reason = "picture" if card_ok else "revoked"
    _failed(credential, ref, client_ip, reason)
    choices = picture_choices(credential) if card_ok else []
    return CardCheck(reason, credential, math.ceil(wait), choices)
