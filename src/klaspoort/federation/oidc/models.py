"""Storage of the OpenID Connect provider: grants (code, access and refresh token) and signing keys.

One `OidcGrant` row follows one authorization from code to its last refresh. Codes and tokens
have the form `<handle>.<secret>`: the handle finds the row, the secret is compared with an
HMAC-SHA256 (`keyed_hash`), so nothing usable is stored. Revoking the row ends every token of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.db import models
from django.db.models import Expression

from klaspoort.core.clock import now


class OidcGrantQuerySet(models.QuerySet["OidcGrant"]):
    """The one definition of which grants still count. `at` is the moment asked about (default: now;
    an expression such as `core.compiled.Param` in a compiled query).

    unrevoked()            not revoked (a revocation ends the code and every token of the grant)
    redeemable(at=None)    a code that may still be exchanged: unrevoked, unused, not expired
    access_valid(at=None)  an access token that may still be used: unrevoked, not expired
    refreshable(at=None)   a refresh token that may still be used: unrevoked, not expired
    """

    def unrevoked(self) -> Self:
        return self.filter(revoked_at__isnull=True)

    def redeemable(self, at: dt.datetime | Expression | None = None) -> Self:
        return self.filter(
            revoked_at__isnull=True, code_used_at__isnull=True, code_expires_at__gt=at or now()
        )

    def access_valid(self, at: dt.datetime | Expression | None = None) -> Self:
        return self.filter(revoked_at__isnull=True, access_expires_at__gt=at or now())

    def refreshable(self, at: dt.datetime | Expression | None = None) -> Self:
        return self.filter(revoked_at__isnull=True, refresh_expires_at__gt=at or now())


class OidcGrant(models.Model):
    """One authorization of a partner app for a person (OP session + app + code/tokens)."""

    handle = models.CharField(max_length=32, unique=True)
    # No index of its own: the (app, school_ref) index below serves every look-up by app; one index
    # fewer to write on every sign-in.
    app = models.ForeignKey(
        "federation.PartnerApp", on_delete=models.CASCADE, related_name="oidc_grants", db_index=False
    )
    person = models.UUIDField()
    school_ref = models.UUIDField()
    principal = models.JSONField(help_text="the Principal at authorization (Principal.to_session)")
    op_session = models.CharField(max_length=64, db_index=True, help_text="keyed hash of the login")
    sid = models.CharField(max_length=64, help_text="session id this app sees (ID token, logout token)")
    released = models.JSONField(help_text="the Released claims from disclosure.disclose")
    scope = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=500)
    nonce = models.CharField(max_length=255, blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField()
    code_hash = models.CharField(max_length=64)
    code_expires_at = models.DateTimeField()
    code_used_at = models.DateTimeField(null=True, blank=True)
    access_hash = models.CharField(max_length=64, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_hash = models.CharField(max_length=64, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, blank=True)

    objects = OidcGrantQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["school_ref", "person"]),
            models.Index(fields=["app", "school_ref"]),
        ]

    def __str__(self) -> str:
        return f"grant {self.handle} for app {self.app_id}"


class SigningKey(models.Model):
    """A key that signs ID and logout tokens. The private half is stored encrypted (Fernet).

    A new key is published in the JWKS from `created_at`, signs from `signs_from` (later, so
    relying parties have fetched it before they meet it), stops signing at `retired_at` (when a
    newer key takes over) and is published until `published_until`.
    """

    class Alg(models.TextChoices):
        ES256 = "ES256", "ES256"
        RS256 = "RS256", "RS256"

    kid = models.CharField(max_length=64, unique=True)
    alg = models.CharField(max_length=8, choices=Alg.choices)
    public_jwk = models.JSONField()
    private_jwk_encrypted = models.TextField(blank=True, help_text="emptied once no longer published")
    created_at = models.DateTimeField()
    signs_from = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alg", "-signs_from", "-id"]

    def __str__(self) -> str:
        return f"{self.alg} {self.kid}"
