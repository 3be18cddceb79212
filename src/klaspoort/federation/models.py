"""Partners (publishers, network providers), their apps, school consent and the disclosure log.

Nothing here is handed to a partner directly: every partner-facing claim or attribute set is built
by `klaspoort.federation.disclosure.disclose`, which checks `Consent` and writes a `Disclosure`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from klaspoort.registry.models import SchoolLocation

# Consent categories (D1, D7). Identity is required: without it a partner gets nothing at all.
IDENTITY = "identity"  # pairwise pseudonym, role, school, groups
NAMES = "names"  # given name, infix, family name
ECK_ID = "eck_id"  # the ECK iD chain pseudonym
CATEGORIES = (IDENTITY, NAMES, ECK_ID)


class AppendOnly(models.Model):
    """Rows that are only ever inserted: history must not be rewritten. The database refuses an
    UPDATE of the table (a trigger, `core.append_only`, added in the app's migrations); `delete()`
    refuses to delete."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} rows are append-only")


class Partner(models.Model):
    """A partner (partner): a publisher (uitgever) or a network provider (netwerkbeheerder)."""

    class Kind(models.TextChoices):
        PUBLISHER = "publisher", "uitgever"
        NETWORK_PROVIDER = "network_provider", "netwerkbeheerder"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=64, unique=True, help_text="operator reference, e.g. uitgeverij-noord")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=200)
    sector_id = models.CharField(
        max_length=200,
        help_text="pseudonym sector: partners sharing it see the same pairwise identifiers; never change",
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    # What the partner asks for and why, shown to schools before they tick it (D1). An empty
    # reason means the partner does not ask for that category.
    purpose = models.TextField(blank=True, help_text="why the partner needs the school's data")
    names_reason = models.TextField(blank=True, help_text="why it asks for names (empty: it does not)")
    eck_id_reason = models.TextField(blank=True, help_text="why it asks for the ECK iD (empty: it does not)")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def asks_for(self) -> tuple[str, ...]:
        """The categories the partner asks for: identity always, names and ECK iD with a reason."""
        extra = [
            category
            for category, reason in ((NAMES, self.names_reason), (ECK_ID, self.eck_id_reason))
            if reason
        ]
        return (IDENTITY, *extra)


class PartnerApp(models.Model):
    """One application of a partner: an OpenID Connect client and/or a SAML service provider.

    The client secret is high-entropy and random, so it is stored as an HMAC-SHA256 under the
    federation secret (`klaspoort.federation.keyed_hash`), never with the password hasher.
    """

    class ClientType(models.TextChoices):
        CONFIDENTIAL = "confidential", "confidential"
        PUBLIC = "public", "public"

    class AuthMethod(models.TextChoices):
        CLIENT_SECRET_BASIC = "client_secret_basic", "client_secret_basic"
        CLIENT_SECRET_POST = "client_secret_post", "client_secret_post"
        PRIVATE_KEY_JWT = "private_key_jwt", "private_key_jwt"
        NONE = "none", "none (public client with PKCE)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="apps")
    slug = models.SlugField(max_length=64, unique=True, help_text="operator reference, e.g. rekenwijs")
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    launch_url = models.URLField(max_length=500, blank=True, help_text="where the portal tile starts the app")
    licence_endpoint_url = models.URLField(
        max_length=500, blank=True, help_text="real-time licence look-up (D2), used by the portal"
    )

    # OpenID Connect client
    client_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    client_type = models.CharField(max_length=16, choices=ClientType.choices, default=ClientType.CONFIDENTIAL)
    token_endpoint_auth_method = models.CharField(
        max_length=32, choices=AuthMethod.choices, default=AuthMethod.CLIENT_SECRET_BASIC
    )
    client_secret_hash = models.CharField(max_length=64, blank=True)
    client_secret_set_at = models.DateTimeField(null=True, blank=True)
    redirect_uris = models.JSONField(default=list, blank=True, help_text="exact match, no wildcards")
    post_logout_redirect_uris = models.JSONField(default=list, blank=True)
    allowed_scopes = models.JSONField(default=list, blank=True)
    initiate_login_uri = models.URLField(max_length=500, blank=True)
    backchannel_logout_uri = models.URLField(max_length=500, blank=True)
    jwks = models.JSONField(null=True, blank=True, help_text="public keys for private_key_jwt")
    jwks_uri = models.URLField(max_length=500, blank=True)
    id_token_signed_response_alg = models.CharField(
        max_length=8, default="ES256", help_text="ES256 (default) or RS256"
    )

    # SAML 2.0 service provider
    saml_entity_id = models.CharField(max_length=500, unique=True, null=True, blank=True)
    saml_acs_urls = models.JSONField(default=list, blank=True)
    saml_certificate = models.TextField(blank=True, help_text="PEM; verifies signed AuthnRequests")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def speaks_oidc(self) -> bool:
        return bool(self.client_id)

    @property
    def speaks_saml(self) -> bool:
        return bool(self.saml_entity_id)

    @property
    def is_public(self) -> bool:
        return self.client_type == self.ClientType.PUBLIC

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.name}" if self.partner_id else self.name


class Consent(models.Model):
    """What a school lets one partner receive (D1: the school "ticks" the partner).

    `active` is the tick itself and implies the required identity category; `names` and `eck_id`
    are the optional categories. Every change is also appended to `ConsentChange`.
    """

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="partner_consents")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    active = models.BooleanField(default=True)
    names = models.BooleanField(default=False)
    eck_id = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "partner"], name="unique_consent")]

    @property
    def categories(self) -> frozenset[str]:
        if not self.active:
            return frozenset()
        granted = {IDENTITY}
        if self.names:
            granted.add(NAMES)
        if self.eck_id:
            granted.add(ECK_ID)
        return frozenset(granted)

    def __str__(self) -> str:
        return f"{self.school_id}→{self.partner_id} {sorted(self.categories)}"


class ConsentChange(AppendOnly):
    """One dated change of a school's consent for a partner; `receipt` identifies it for both sides."""

    class Action(models.TextChoices):
        GRANT = "grant", "aangezet"
        CHANGE = "change", "gewijzigd"
        WITHDRAW = "withdraw", "uitgezet"

    receipt = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="consent_changes")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consent_changes")
    action = models.CharField(max_length=16, choices=Action.choices)
    categories = models.JSONField(default=list, help_text="categories in force after the change")
    actor = models.CharField(max_length=128, blank=True)
    signed_by = models.CharField(max_length=300, blank=True, help_text="name and email of who decided")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["school", "partner", "created_at"])]


class Disclosure(AppendOnly):
    """Personal data handed to a partner: who, to which partner and app, which fields, when, why."""

    class Purpose(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML"
        LICENCE = "licence", "licentie-opvraging"
        SCHOOL_LICENCES = "school_licences", "licentie-overzicht van de school"

    created_at = models.DateTimeField(db_index=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="disclosures")
    app = models.ForeignKey(PartnerApp, null=True, on_delete=models.SET_NULL, related_name="disclosures")
    person = models.UUIDField(help_text="Pupil.uuid or StaffMember.uuid")
    person_kind = models.CharField(max_length=8)
    school_ref = models.UUIDField()
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)

    class Meta:
        indexes = [
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["school_ref", "created_at"]),
        ]


# The OpenID Connect provider's tables belong to this app as well.
from klaspoort.federation.oidc.models import OidcGrant, SigningKey  # noqa: E402

__all__ = [
    "CATEGORIES",
    "ECK_ID",
    "IDENTITY",
    "NAMES",
    "Consent",
    "ConsentChange",
    "Disclosure",
    "OidcGrant",
    "Partner",
    "PartnerApp",
    "SigningKey",
]
