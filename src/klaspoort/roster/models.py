"""School years, groups, pupils, staff and their memberships.

Store only what the platform needs: names, year groups, groups, LAS keys and ECK iDs. Never BSN or
education numbers, ethnicity, countries, weights, postcodes or birth dates.
"""

from __future__ import annotations

import uuid

from django.db import models

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.rules import (
    GroupQuerySet,
    PupilMembershipQuerySet,
    PupilQuerySet,
    StaffMembershipQuerySet,
    StaffPlacementQuerySet,
)

YEAR_GROUP_CODES = ("B", "D", "0", "1", "2", "3", "4", "5", "6", "7", "8",
                    "11", "12", "13", "14", "15", "16", "S", "V", "C", "N", "H")  # fmt: skip


class SchoolYear(models.Model):
    """A school year (schooljaar), e.g. 2026-2027, starting 1 August of `start_year`."""

    start_year = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["start_year"]

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    def __str__(self) -> str:
        return self.label


class PersonName(models.Model):
    """Name fields shared by pupils and staff: roepnaam, voorvoegsel, achternaam."""

    first_name = models.CharField(max_length=200, blank=True)
    infix = models.CharField(max_length=10, blank=True)
    surname = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.infix, self.surname) if part)


class Group(models.Model):
    """A group: home group (stamgroep, with a year group) or composite group (samengestelde groep)."""

    class Kind(models.TextChoices):
        HOME = "home", "home group"
        COMPOSITE = "composite", "composite group"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="groups")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    las_key = models.CharField(max_length=256)
    name = models.CharField(max_length=64)
    year_group = models.CharField(max_length=2, blank=True, help_text="home groups only")
    description = models.CharField(max_length=256, blank=True)
    active = models.BooleanField(default=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "las_key"], name="unique_group_key"),
        ]
        indexes = [models.Index(fields=["school", "school_year", "active"])]

    def __str__(self) -> str:
        return self.name


class Pupil(PersonName):
    """A pupil (leerling) of one school. `uuid` is stable across re-imports and group moves."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="pupils")
    las_key = models.CharField(max_length=256)
    eck_id = models.CharField(max_length=300, blank=True)
    year_group = models.CharField(max_length=2, blank=True)
    groups: models.ManyToManyField[Group, PupilMembership] = models.ManyToManyField(
        Group, through="PupilMembership", related_name="pupils"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "las_key"], name="unique_pupil_key")]
        indexes = [models.Index(fields=["school", "active"])]

    def __str__(self) -> str:
        return self.full_name


class PupilMembership(models.Model):
    """A pupil in a group (home group or composite group)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="pupil_memberships")

    objects = PupilMembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "group"], name="unique_pupil_membership")]


class StaffMember(PersonName):
    """A person who works at one or more schools (leerkracht, medewerker). Email is the login name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True, help_text="stored lower-case")
    eck_id = models.CharField(max_length=300, blank=True)
    account = models.OneToOneField(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_member"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"


class StaffRole(models.TextChoices):
    """Platform roles, per school. Not taken from the LAS except `teacher` (B6)."""

    TEACHER = "teacher", "leerkracht"
    ICT_COORDINATOR = "ict_coordinator", "ICT-coördinator"
    INTERNAL_COUNSELLOR = "internal_counsellor", "intern begeleider"
    REMEDIAL_TEACHER = "remedial_teacher", "remedial teacher"
    INTERN = "intern", "stagiair(e)"
    SUBSTITUTE = "substitute", "invalkracht"


class StaffPlacement(models.Model):
    """A staff member at one school (aanstelling): LAS key, LAS roles, platform roles, state."""

    class Source(models.TextChoices):
        IMPORT = "import", "import"
        MANUAL = "manual", "manual"

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="placements")
    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="staff_placements")
    las_key = models.CharField(max_length=256, null=True, blank=True)
    las_roles = models.JSONField(default=list, blank=True, help_text="EDEXML role codes from the file")
    roles = models.JSONField(default=list, blank=True, help_text="platform roles (StaffRole values)")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.IMPORT)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # A placement for a limited time (a substitute, C14): it counts from `starts_on` to `ends_on`,
    # both included (`roster.rules.within_days_q`); empty: no limit.
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    objects = StaffPlacementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "staff"], name="unique_staff_placement"),
            models.UniqueConstraint(fields=["school", "las_key"], name="unique_staff_key"),
        ]
        indexes = [models.Index(fields=["school", "active"])]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.school.code}"


class StaffMembership(models.Model):
    """A staff member linked to a group, with the EDEXML roles given for that group."""

    placement = models.ForeignKey(StaffPlacement, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="staff_memberships")
    las_roles = models.JSONField(default=list, blank=True)
    # A membership for a limited time (a substitute's group, C14), as for `StaffPlacement`.
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    objects = StaffMembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["placement", "group"], name="unique_staff_membership")]


class ImportRun(models.Model):
    """One roster import attempt (importrun): who, when, which file, what it did or why not.

    Holds the file's SHA-256, never the file. `report` is the full report the coordinator can open
    (`roster.importing.report.as_json`): the keys and names of the records it changed, as the roster
    tables hold them.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", "upload"
        CSV = "csv", "CSV upload"
        CLI = "cli", "command line"
        AUTOMATIC = "automatic", "automatic link"
        SCHOOL_YEAR = "school-year", "school-year switch"

    class Status(models.TextChoices):
        APPLIED = "applied", "applied"
        STAGED = "staged", "staged for a later school year"
        DRY_RUN = "dry-run", "dry run"
        REJECTED = "rejected", "rejected"
        HELD = "held", "held by the mass-removal guard"
        FAILED = "failed", "failed (internal error)"

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="import_runs")
    school_year = models.ForeignKey(
        SchoolYear, null=True, blank=True, on_delete=models.PROTECT, related_name="import_runs"
    )
    actor = models.CharField(max_length=128, blank=True, help_text="who, e.g. account:<uuid> or cli:<user>")
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveBigIntegerField(default=0)
    mass_removal_allowed = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)
    skipped_staff = models.JSONField(default=list, blank=True, help_text="[{key, reason}]")
    warnings = models.JSONField(default=list, blank=True, help_text="[{line, message}]")
    errors = models.JSONField(default=list, blank=True, help_text="[{line, message}]")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    effective_on = models.DateField(null=True, blank=True, help_text="staged runs: the day the year starts")
    report = models.JSONField(default=dict, blank=True, help_text="the full report (roster.importing.report)")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["school", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.school.code} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class SchoolYearStart(models.Model):
    """The day a school's school year starts when it is not 1 August (rule B7): set by a coordinator."""

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="year_starts")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="school_starts")
    starts_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="unique_school_year_start"),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.school_year}: {self.starts_on}"


class StagedYear(models.Model):
    """A roster for a school year that has not started yet (rule B7).

    Its groups and memberships exist already (with that school year, so nothing that asks for the
    year in force sees them); pupils and staff who are new then exist inactive. What changes for
    people who are here today (names, leaving, losing the teacher role) is applied on the start day
    by `do_switch_school_years`, from `records`: the import records of the file, written as EDEXML
    2.1 by our own writer (names, keys and groups only, as in the roster tables; never the upload).
    """

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="staged_years")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="staged")
    records = models.BinaryField()
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    mass_removal_allowed = models.BooleanField(default=False)
    staged_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "school_year"], name="unique_staged_year")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.school_year} (staged)"


class PreparedImport(models.Model):
    """An uploaded roster between its preview and the coordinator's confirmation (at most an hour).

    Holds the file's import records written out by our own EDEXML writer (names, keys, groups: what
    the roster tables hold too), never the upload itself, so that exactly what was previewed is
    applied. Deleted when it is applied or refused, or when it expires (`PREPARED_TTL`).
    """

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="prepared_imports")
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+", help_text="the preview")
    records = models.BinaryField()
    source = models.CharField(max_length=16, choices=ImportRun.Source.choices)
    file_name = models.CharField(max_length=255, blank=True)
    upload_sha256 = models.CharField(max_length=64)
    actor = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.school.code} {self.file_name} (prepared)"
