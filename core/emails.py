"""Every email the project sends: one named template pair and one function each.

An email called NAME is `templates/emails/NAME-subject.txt` + `NAME-body.txt`, and
optionally `NAME-body.html` (sent as the HTML alternative). The plain-text parts are
rendered without HTML escaping (they are not HTML: a decision titled "R&D" must read
"R&D"). Sending is synchronous and raises on failure, so the caller's transaction (the
claim of a one-time link, core/links.py) rolls back and the email is retried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string

# Long titles make long subjects; mail clients cut them anyway.
SUBJECT_MAX = 150


def first_name(full_name: str) -> str:
    """How every email greets a person: by the first word of their name."""
    words = full_name.split()
    return words[0] if words else full_name


def local_time_label(value: dt.datetime, tz: dt.tzinfo) -> str:
    """A moment as an email states it: in the org's zone, with the zone named (people
    read an email anywhere, so a bare "19:46" is ambiguous)."""
    local = value.astimezone(tz)
    name = getattr(tz, "key", None) or local.tzname() or "UTC"
    abbrev = local.tzname()
    zone = name if abbrev in (None, name) else f"{abbrev}, {name}"
    return f"{local:%A %d %B, %H:%M} ({zone})"


def _text(template: str, ctx: Mapping[str, Any]) -> str:
    return Engine.get_default().get_template(template).render(Context(dict(ctx), autoescape=False))


def render(name: str, ctx: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """(subject, text body, HTML body or None) of the email `name`."""
    subject = " ".join(_text(f"emails/{name}-subject.txt", ctx).split())[:SUBJECT_MAX]
    body = _text(f"emails/{name}-body.txt", ctx)
    try:
        html: str | None = render_to_string(f"emails/{name}-body.html", dict(ctx))
    except TemplateDoesNotExist:
        html = None
    return subject, body, html


def send(name: str, *, to: str, ctx: Mapping[str, Any]) -> None:
    """Render the email `name` and send it to one address; raises if the server refuses."""
    subject, body, html = render(name, ctx)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def pulse_invitation(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("pulse-invitation", to=to, ctx=ctx)


def pulse_reminder(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("pulse-reminder", to=to, ctx=ctx)


def checkin_invitation(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("checkin-invitation", to=to, ctx={**ctx, "first_name": first_name(ctx["name"])})


def account_created(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("account-created", to=to, ctx=ctx)


def leader_digest(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("digest", to=to, ctx=ctx)


def workshop_commitment_reminder(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("workshop-commitment-reminder", to=to, ctx={**ctx, "first_name": first_name(ctx["name"])})


def workshop_followup(*, to: str, ctx: Mapping[str, Any]) -> None:
    send("workshop-followup", to=to, ctx={**ctx, "first_name": first_name(ctx["name"])})
