"""Organisations, the people in them and their roles, and invitations to join.

The foundation every other app stands on: ``model_content`` (an organisation's own versions
of the model) and ``assessments`` (its workshops) point here, and nothing here points back.
"""

import functools
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "a password"
    SIGN_IN_LINK = "sign_in_link", "a sign-in link by email"
    SSO = "sso", "single sign-on"


class RetentionAction(models.TextChoices):
    """What ``apply_retention`` does to a closed workshop past the organisation's period."""

    ANONYMISE = "anonymise", "Anonymise them: names become labels, the outcome is kept"
    DELETE = "delete", "Delete them"


# A hundred years: a guard against a slip of the keyboard, not a policy.
RETENTION_MONTHS_MAX = 1200
PRIVACY_NOTICE_MAX = 20000


def retention_words(months: int | None) -> str:
    if months is None:
        return "for ever"
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


class Organisation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # The ways its people may sign in (organisations.rules.sign_in_refusal). On the row itself,
    # not a table of their own, because every sign-in reads them with the memberships.
    allow_password = models.BooleanField("passwords", default=True)
    allow_sign_in_link = models.BooleanField("sign-in links by email", default=True)
    allow_sso = models.BooleanField("single sign-on", default=True)
    # How long a closed workshop is kept after it closed, in months; None keeps it for ever
    # (the default: nothing goes until the organisation decides). ``apply_retention``, run
    # daily, then anonymises or deletes what is past it, as ``retention_action`` says.
    retention_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MONTHS_MAX)],
    )
    retention_action = models.CharField(
        max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE
    )
    # The organisation's own privacy notice; empty shows the default text
    # (templates/organisations/_privacy_default.html).
    privacy_notice = models.TextField(blank=True, max_length=PRIVACY_NOTICE_MAX)
    privacy_notice_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_months__isnull=True)
                | models.Q(retention_months__gte=1, retention_months__lte=RETENTION_MONTHS_MAX),
                name="organisation_retention_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(retention_action__in=RetentionAction.values),
                name="organisation_retention_action_known",
            ),
            models.CheckConstraint(
                condition=models.Q(allow_password=True)
                | models.Q(allow_sign_in_link=True)
                | models.Q(allow_sso=True),
                name="organisation_some_way_in",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def retention_label(self) -> str:
        """How long closed workshops are kept, in words: "for ever", "6 years", "18 months"."""
        return retention_words(self.retention_months)

    def allows(self, method: str) -> bool:
        return {
            SignInMethod.PASSWORD: self.allow_password,
            SignInMethod.SIGN_IN_LINK: self.allow_sign_in_link,
            SignInMethod.SSO: self.allow_sso,
        }[method]


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class MembershipSource(models.TextChoices):
    HAND = "hand", "by hand or by invitation"
    SSO = "sso", "from single sign-on"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the membership came from. One that single sign-on made follows the person's
    # domain and groups at every sign-in (downgraded or removed when they no longer admit
    # them); one made by hand or by invitation is the facilitators' and is left alone.
    source = models.CharField(
        max_length=10, choices=MembershipSource.choices, default=MembershipSource.HAND
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_each"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=MembershipSource.values),
                name="membership_source_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"


class Invitation(models.Model):
    """A single-use, expiring link. Only a hash of the token is stored."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


AUDIT_SUMMARY_MAX = 500


class AuditQuerySet(models.QuerySet):
    """Append-only: the app never changes or removes an audit event, in bulk either."""

    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what in an organisation, when, in which role (organisations/audit.py).

    Append-only: saving an existing event, deleting one, or updating or deleting in bulk is
    refused; the admin shows them read-only. The person is kept by name and email as they were
    at the time, so the record reads the same whatever happens to the account later.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audit_events"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Left as it is when the account goes (an erased leaver): an event is never updated, not
    # even by a cascade, so a database role without UPDATE on this table still lets an
    # erasure through. The number then names nobody; ``actor_label`` says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    summary = models.CharField(max_length=AUDIT_SUMMARY_MAX)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_by_organisation")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary[:60]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class RateEvent(models.Model):
    """One counted try (a failed sign-in, a password reset request), keyed by a hash of the
    account or address it is about (organisations/throttle.py)."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"], name="rate_event_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at}"


class SsoAdmission(models.Model):
    """Who comes in through single sign-on: an email domain or a group of the identity
    provider, and the role it gives in the organisation."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", "Email domain"
        GROUP = "group", "Group"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sso_admissions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A domain in lower case (council.gov.uk); a group as the provider names it in the
    # groups claim (for Microsoft Entra ID, the group's object id).
    value = models.CharField(max_length=255)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value"], name="sso_admission_once"
            ),
            # A domain admits to one organisation only: a shared domain (nhs.net) would
            # otherwise put everyone who has it into every organisation that listed it.
            models.UniqueConstraint(
                fields=["value"],
                condition=models.Q(kind="domain"),
                name="sso_domain_one_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["domain", "group"]), name="sso_admission_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="sso_admission_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} → {self.role} in {self.organisation}"

    def clean(self) -> None:
        self.value = (self.value or "").strip()
        if self.kind == self.Kind.DOMAIN:
            self.value = self.value.lower().removeprefix("@")
            try:
                DomainNameValidator(accept_idna=False)(self.value)
            except ValidationError as e:
                raise ValidationError(
                    {"value": "Give a domain such as council.gov.uk, without the @."}
                ) from e
        elif not self.value:
            raise ValidationError({"value": "Give the group as your provider names it."})


class SsoIdentity(models.Model):
    """The person at the identity provider (its issuer and their subject, which never
    changes there) that an account is linked to, by its first sign-in through it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "SSO identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_once"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_one_identity_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


STAND_IN_DOMAIN = "stand-in.invalid"  # .invalid is reserved (RFC 2606): no mail reaches it


class StandIn(models.Model):
    """An account that stands in for a person in an organisation's records.

    Erasing a leaver (``former_member``): their ratings, evidence and challenges stay in
    the closed records, and the actions they owned in the tracker, under "Former member N",
    N counted per organisation and never reused. Anonymising a closed workshop past the
    organisation's retention period (``anonymised``): each person in it becomes "Person A",
    "Person B" there, in an order that does not follow the names.

    The account is inactive, has no password, no membership of anything and an address at
    a reserved domain that no mail reaches, so nobody can sign in as it or be sent anything;
    every page, PDF and export reads its name as they read anyone's.
    """

    class Kind(models.TextChoices):
        FORMER_MEMBER = "former_member", "Former member"
        ANONYMISED = "anonymised", "Person in an anonymised workshop"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="stand_ins"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stand_in"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Former member N; in an anonymised workshop the person's place, 1 = A.
    number = models.PositiveIntegerField()
    # The anonymised workshop it stands in (its public code: this app knows no workshops).
    workshop_code = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=models.Q(kind="former_member"),
                name="one_former_member_per_number",
            ),
            models.UniqueConstraint(
                fields=["workshop_code", "number"],
                condition=models.Q(kind="anonymised"),
                name="one_stand_in_per_place",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="former_member", workshop_code__isnull=True)
                | models.Q(kind="anonymised", workshop_code__isnull=False),
                name="stand_in_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} in {self.organisation}"


def person_name(user) -> str:
    return user.get_full_name() or user.email


# ---------------------------------------------------------------- units
#
# "You can use it at any level of an organisation" (para 70): directorates, services and
# teams each assess themselves. The organisation itself is the top unit (every organisation
# has exactly one, made with it); every other unit has a parent in the same organisation, as
# deep as the organisation wants. Its services (organisations/units.py) keep the tree a tree.


class Unit(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    # RESTRICT, not PROTECT: a unit with sub-units is not deleted on its own, but deleting a
    # whole organisation takes its tree with it.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(parent__isnull=True),
                name="one_top_unit_per_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="unit_not_its_own_parent"
            ),
            models.UniqueConstraint(
                models.functions.Lower("name"), "parent", name="unit_name_once_among_siblings"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_top(self) -> bool:
        return self.parent_id is None

    @functools.cached_property
    def ancestor_ids(self) -> tuple[int, ...]:
        """The units above this one, the top unit first. Set for the whole tree at once by
        ``organisations.units.units_tree``; read up the parents otherwise (a query a level)."""
        ids: list[int] = []
        parent_id = self.parent_id
        while parent_id is not None:
            ids.append(parent_id)
            parent_id = Unit.objects.filter(pk=parent_id).values_list("parent_id", flat=True)[0]
        return tuple(reversed(ids))

    @property
    def depth(self) -> int:
        """0 for the organisation itself, 1 for a directorate under it, and so on."""
        return len(self.ancestor_ids)

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": "Give the unit a name."})
        if self.parent_id is not None and self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "Choose a unit of the same organisation."})


class UnitMembership(models.Model):
    """A person's role in a unit below the top one (in the top unit, their role is their
    role in the organisation). Hangs off their membership of the organisation, so that it
    goes when they leave it; a person may belong to several units."""

    unit = models.ForeignKey(Unit, on_delete=models.RESTRICT, related_name="memberships")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "membership"], name="one_unit_membership_each"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="unit_membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} in {self.unit} ({self.role})"

    def clean(self) -> None:
        if self.unit.organisation_id != self.membership.organisation_id:
            raise ValidationError("A unit's people are people of its organisation.")
        if self.unit.is_top:
            raise ValidationError(
                "Everyone in the organisation is in its top unit, with their role in the "
                "organisation: change that role on the members page."
            )


# ---------------------------------------------------------------- comparison between bodies


class ComparisonShare(models.Model):
    """An organisation's choice to share its latest consensus per barrier, without its name,
    with the other bodies on this installation that share theirs (a regional consortium of
    councils, a group of trusts). The row is the choice: opting out deletes it, and the
    figures it gave go with it at once (they are counted afresh on every page)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="comparison_share"
    )
    since = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.organisation} shares since {self.since:%Y-%m-%d}"
