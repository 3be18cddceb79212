"""Login accounts. Staff and parents log in with email + password; operators run the platform.

Pupils have no account: they log in with their school's shortcut, picture and PIN/picture password.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower


class AccountManager(BaseUserManager["Account"]):
    def create_user(
        self, email: str, password: str | None = None, *, kind: str = "staff", **fields: Any
    ) -> Account:
        account = self.model(email=normalise_email(email), kind=kind, **fields)
        if password:
            account.set_password(password)
        else:
            account.set_unusable_password()
        account.save(using=self._db)
        return account

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Account:
        fields.setdefault("is_active", True)
        fields["is_superuser"] = True
        return self.create_user(email, password, kind=Account.Kind.OPERATOR, **fields)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class Account(AbstractBaseUser, PermissionsMixin):
    """A login: kind staff, parent (home login) or operator. Unique per (kind, email)."""

    class Kind(models.TextChoices):
        STAFF = "staff", "staff"
        PARENT = "parent", "parent"
        OPERATOR = "operator", "operator"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    email = models.EmailField(max_length=254)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The language mails are written in: the language this person last chose with the switch or
    # signed in with (accounts.language). Empty: not known yet, Dutch.
    language = models.CharField(max_length=8, blank=True, default="")
    # Not kept: a login would cost an UPDATE of the account row. When someone last signed in is in
    # the audit log (login.succeeded) and in their session rows.
    last_login = None

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), "kind", name="unique_account_email_per_kind")]

    @property
    def is_staff(self) -> bool:
        """Django admin access: operators only."""
        return self.kind == self.Kind.OPERATOR and self.is_active

    def __str__(self) -> str:
        return f"{self.kind}:{self.email}"


class OneTimeToken(models.Model):
    """A link token sent by mail (activation, password reset, …), stored only as a keyed hash.

    At most one live token per (account, purpose): issuing a new one replaces the old. The token is
    tied to the address it was sent to: it stops working when the account's email changes.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254, help_text="the address the link was sent to")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "purpose"], name="one_token_per_account_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} token for account {self.account_id}"


class AccountSession(AbstractBaseSession):
    """Server-side session with an index on the account, so any worker can end a person's sessions.

    `account` and `school_ref` are copied from the session data on every save (see `session_store`).
    """

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school_ref = models.UUIDField(null=True, blank=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from klaspoort.accounts.session_store import SessionStore

        return SessionStore


class OutgoingMailQuerySet(models.QuerySet["OutgoingMail"]):
    def failed(self) -> OutgoingMailQuerySet:
        """Mails that failed for good: what operators look at (newest first)."""
        return self.filter(status=OutgoingMail.Status.FAILED).order_by("-created_at", "-id")

    def waiting(self) -> OutgoingMailQuerySet:
        """Mails not sent yet, including those waiting for a retry."""
        return self.filter(status=OutgoingMail.Status.PENDING)


class OutgoingMail(models.Model):
    """A mail in the queue (`accounts.outbox`): stored by the transaction that wants it sent, sent by a
    background job after commit, retried with backoff, and `failed` (for operators to look at) once
    it has failed `MAIL_MAX_ATTEMPTS` times. The body is encrypted and erased once sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    created_at = models.DateTimeField()
    to = models.CharField(max_length=1000)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body_encrypted = models.TextField(blank=True, help_text="Fernet; emptied once sent")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="the worker sending it right now")
    claimed_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[OutgoingMailQuerySet] = OutgoingMailQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["claim"]),
        ]

    def __str__(self) -> str:
        return f"mail {self.pk} to {self.to} ({self.status})"
