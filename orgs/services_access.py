"""Who may do what: granting and revoking roles (creating logins by email) and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import emails
from core.audit import audit_record
from core.links import absolute_url
from orgs.api_auth import PREFIX_LEN, key_hash, key_new
from orgs.models import ApiToken, ApiTokenScope, Membership, Organization, Person, Role, Team

TEAM_ROLES = (Role.LEADER, Role.FACILITATOR)


def password_set_link(*, user: Any) -> str:
    """An absolute link to Django's password-reset confirm page for `user`."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url("password_reset_confirm", uidb64=uid, token=token)


def _send_account_email(*, user: Any, organization: Organization, role: str) -> None:
    context = {
        "user": user,
        "organization": organization,
        "role": Role(role).label,
        "link": password_set_link(user=user),
        "site_url": settings.SITE_URL,
    }
    emails.account_created(to=user.email, ctx=context)


def _user_for_email(*, organization: Organization, email: str) -> tuple[Any, bool]:
    """The login to give a role to: an existing member of this org with that email, the
    person's linked login, or a new login (no usable password yet) linked to the person."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": ["Enter the email of a person of this organization."]})
    User = get_user_model()
    member = (
        User.objects.filter(email__iexact=email, memberships__organization=organization)
        .order_by("pk")
        .first()
    )
    person = Person.objects.filter(organization=organization, email__iexact=email).first()
    if person is not None and person.user_id is not None:
        return person.user, False
    if member is not None:
        return member, False
    if person is None:
        raise ValidationError(
            {
                "email": [
                    f"Nobody in {organization.name} has the email {email}; add the person first."
                ]
            }
        )
    if not person.is_active:
        raise ValidationError({"email": [f"{person.name} is deactivated; reactivate them first."]})
    # Never attach someone else's existing login: a new one, named after the email.
    username, n = email[:150], 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{email[:140]}-{n}"
    first, _, last = person.name.partition(" ")
    user = User.objects.create(
        username=username, email=email, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user, True


@transaction.atomic
def role_grant(
    *,
    organization: Organization,
    actor: Any,
    email: str,
    role: str,
    teams: list[Team] | None = None,
) -> Membership:
    """Give the person/login with `email` a role; leaders and facilitators name their teams
    (which replace the teams the role had). A new login gets a password-set email."""
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    teams = list(teams or [])
    if any(t.organization_id != organization.id for t in teams):
        raise ValidationError({"teams": ["No such team."]})
    if role in TEAM_ROLES and not teams:
        raise ValidationError({"teams": [f"A {Role(role).label.lower()} needs at least one team."]})
    if role not in TEAM_ROLES and teams:
        raise ValidationError(
            {"teams": [f"The {Role(role).label} role covers no particular teams."]}
        )
    user, created = _user_for_email(organization=organization, email=email)
    other_org = Membership.objects.filter(user=user).exclude(organization=organization).exists()
    if other_org:
        raise ValidationError({"email": ["This login belongs to another organization."]})
    membership, new = Membership.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    before = sorted(t.name for t in membership.teams.all())
    if role in TEAM_ROLES:
        membership.teams.set(teams)
    after = sorted(t.name for t in teams)
    if new or before != after:
        audit_record(
            organization=organization,
            actor=actor,
            action="orgs.role.granted" if new else "orgs.role.changed",
            obj=membership,
            changes={
                "user": user.get_username(),
                "role": role,
                "teams": [before, after] if not new else after,
                "login_created": created,
            },
        )
    if created:
        transaction.on_commit(
            lambda: _send_account_email(user=user, organization=organization, role=role)
        )
    return membership


@transaction.atomic
def role_revoke(*, membership: Membership, actor: Any) -> None:
    """Take a role away; the last admin of an organization cannot be removed."""
    org = membership.organization
    if (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organization=org, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            {"role": ["This is the last admin; grant admin to someone else first."]}
        )
    changes = {
        "user": membership.user.get_username(),
        "role": membership.role,
        "teams": sorted(t.name for t in membership.teams.all()),
    }
    audit_record(
        organization=org, actor=actor, action="orgs.role.revoked", obj=membership, changes=changes
    )
    membership.delete()


API_TOKEN_DAYS = (30, 90, 365)
API_TOKEN_DAYS_DEFAULT = 90


@transaction.atomic
def api_token_create(
    *,
    organization: Organization,
    user: Any,
    name: str,
    scope: str = ApiTokenScope.READ,
    days: int = API_TOKEN_DAYS_DEFAULT,
) -> tuple[ApiToken, str]:
    """A new API token of `user` for `organization`; the key is returned once and only its
    hash is stored."""
    if days not in API_TOKEN_DAYS:
        raise ValidationError(f"A token lasts {', '.join(map(str, API_TOKEN_DAYS))} days.")
    if scope not in ApiTokenScope.values:
        raise ValidationError("Scope must be 'read' or 'write'.")
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError("You are not a member of this organization.")
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name (what uses it).")
    key = key_new()
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=name[:100],
        key_hash=key_hash(key),
        prefix=key[:PREFIX_LEN],
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        organization=organization,
        actor=user,
        action="orgs.api_token.created",
        obj=token,
        changes={"name": token.name, "prefix": token.prefix, "scope": scope, "days": days},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> bool:
    """Revoke `token` (kept, for the list and the audit trail); False if it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        organization=token.organization,
        actor=actor,
        action="orgs.api_token.revoked",
        obj=token,
        changes={"name": token.name, "prefix": token.prefix},
    )
    return True


@transaction.atomic
def role_set_teams(*, membership: Membership, actor: Any, teams: list[Team]) -> Membership:
    """Change the teams a leader or facilitator role covers."""
    org = membership.organization
    if any(t.organization_id != org.id for t in teams):
        raise ValidationError({"teams": ["No such team."]})
    if membership.role not in TEAM_ROLES:
        if teams:
            raise ValidationError(
                {"teams": [f"The {membership.get_role_display()} role covers no particular teams."]}
            )
        return membership
    if not teams:
        raise ValidationError(
            {"teams": [f"A {membership.get_role_display().lower()} needs at least one team."]}
        )
    before = sorted(t.name for t in membership.teams.all())
    after = sorted(t.name for t in teams)
    if before != after:
        membership.teams.set(teams)
        audit_record(
            organization=org,
            actor=actor,
            action="orgs.role.changed",
            obj=membership,
            changes={
                "user": membership.user.get_username(),
                "role": membership.role,
                "teams": [before, after],
            },
        )
    return membership
