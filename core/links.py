"""One-time links: derive the token, store only its hash, send it exactly once, answer it once.

Every emailed link of the project (pulse invitations, decision check-ins, ...) is a row with
four fields: `nonce` (random, per row), `token_hash` (sha256 of the token, unique),
`sent_at` (null until the email went out) and `used` (set by the one accepted answer).
A `LinkKind` names such a model, the namespace of its tokens, the URL pattern that opens it
and which of the row's fields identify it; everything else is implemented here, once.

- The token rides in the URL fragment (`SITE_URL/s/#<token>`), never in a path or query:
  browsers don't send the fragment, so no access log, proxy or Referer header ever holds it.
  The landing page's script (static/js/link-open.js) moves it into a POST body; without
  JavaScript the person pastes the link, and `link_token_from_text` takes the token out.

- Derived tokens: token = HMAC-SHA256(SECRET_KEY, "<namespace>:<part>:...:<nonce>"), base64url.
  Why derived instead of random: sending must be crash-safe, so a retry after a crash or a
  mail error has to produce the very same link again, yet the raw token is never stored. The
  database holds only the nonce and sha256(token); without SECRET_KEY (kept out of the database
  and its backups) neither reveals the link. The namespace keeps the tokens of two kinds apart
  even for rows with the same ids and nonce. Rotating SECRET_KEY invalidates unsent links.
- Send exactly once (`send_once`): in one transaction, a conditional UPDATE claims the row
  (sets sent_at where it is still empty), the email goes out, the commit keeps the claim. A
  concurrent sender's UPDATE waits for the row lock (PostgreSQL) or the database write lock
  (SQLite, IMMEDIATE transactions) and then matches no row. A mail error rolls the claim back,
  so the next run sends the same link. The only message that can go twice is the one in flight
  when the process dies after the mail server accepted it and before the commit: at least once
  per person, never missed.
- One failure policy for a batch (`send_each`): an address the mail server refuses is logged
  and stays unsent (one bad address must not block everyone after it); any other error (server
  down, connection lost) stops the batch, and the retry sends the rest, with the same links.
- Answer once (`spend`): a conditional UPDATE of `used` in the caller's transaction; only one
  of any number of concurrent answers changes the row. "Already used" is always 410 Gone
  (`USED_STATUS`), for pages and API alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Generic, Protocol, TypeVar, cast

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

log = logging.getLogger(__name__)

# The one status code of a link that was already answered (also of an expired one).
USED_STATUS = HTTPStatus.GONE
# Tokens are 43 characters; anything far off is not worth a database query.
TOKEN_MIN, TOKEN_MAX = 10, 100

M = TypeVar("M", bound=models.Model)


class LinkRow(Protocol):
    """The fields every one-time-link model has."""

    nonce: str
    token_hash: str


def link_nonce() -> str:
    """A random per-row salt (128 bits, hex)."""
    return secrets.token_hex(16)


def _keyed_digest(namespace: str, parts: Sequence[object]) -> bytes:
    """HMAC-SHA256 with SECRET_KEY of "namespace:part:part…" (one namespace per purpose)."""
    if not namespace or ":" in namespace:
        raise ValueError(f"namespace {namespace!r} must be a non-empty word")
    msg = ":".join([namespace, *(str(p) for p in parts)]).encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), msg, hashlib.sha256).digest()


def link_derive(*, namespace: str, parts: Sequence[object], nonce: str) -> str:
    """The raw token of a link, reproducible only with SECRET_KEY."""
    digest = _keyed_digest(namespace, [*parts, nonce])
    # base64url without padding: 43 characters, safe in a URL path.
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def keyed_hash(*, namespace: str, parts: Sequence[object]) -> str:
    """A pseudonymous key (hex) that only SECRET_KEY can reproduce, e.g. one person in one
    period, so a person is counted once without storing who they are."""
    return _keyed_digest(namespace, parts).hex()


def link_hash(token: str) -> str:
    """What the database stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def absolute_url(view: str, **kwargs: str | int) -> str:
    """The absolute URL of the URL name `view`, for an email (SITE_URL + reverse())."""
    return settings.SITE_URL + reverse(view, kwargs=kwargs)


def link_url(*, view: str, token: str) -> str:
    """The emailed link: the token-free landing page `view` with the token as its fragment."""
    return absolute_url(view) + "#" + token


# The token alphabet (base64url); anything else around a pasted code is noise to cut off.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")


def link_token_from_text(text: str) -> str:
    """The token in what a person pasted: the whole link (new `.../#<token>` or old
    `.../<token>/` form) or just the code; "" if there is none."""
    # Mail clients wrap long links and put <...> or quotes around them.
    text = "".join(str(text or "").split())[: 4 * TOKEN_MAX].strip("<>\"'()[].,;")
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    elif "/" in text:
        text = text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    match = _TOKEN_RE.match(text)
    return match.group(0) if match else ""


def link_token_from_authorization(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (how an API client sends a link
    token on a token-free URL), or ""."""
    scheme, _, value = (header or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@dataclass
class SendReport:
    """What `send_each` did: sent now, sent before, refused, and the error that stopped it."""

    sent: int = 0
    already_sent: int = 0
    refused: list[int] = field(default_factory=list)
    error: Exception | None = None
    left: int = 0  # not attempted because `error` stopped the batch

    @property
    def unsent(self) -> int:
        return len(self.refused) + self.left


def send_each(
    *,
    ids: Sequence[int],
    send_one: Callable[[int], bool],
    progress: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Call `send_one(id)` (True: sent now, False: sent before) for each id, with one policy.

    A refused address (smtplib.SMTPRecipientsRefused: permanent, one recipient) is logged and
    stays unsent, and the batch goes on. Any other error stops the batch: it is returned in
    `report.error` (the caller re-raises it to have the task retried, or reports it) and the
    rows not attempted stay unsent for the next run.
    """
    report = SendReport()
    for i, pk in enumerate(ids, start=1):
        try:
            if send_one(pk):
                report.sent += 1
            else:
                report.already_sent += 1
        except smtplib.SMTPRecipientsRefused as exc:
            report.refused.append(pk)
            log.warning("link %s refused by the mail server: %s", pk, exc)
        except Exception as exc:  # mail server down, connection lost: stop, retry later
            report.error = exc
            report.left = len(ids) - i + 1
            log.warning("sending stopped at link %s (%d left): %r", pk, report.left, exc)
            break
        if progress is not None:
            progress(i, len(ids))
    return report


@dataclass(frozen=True)
class LinkKind(Generic[M]):
    """One kind of one-time link: its model, token namespace, URL name and identifying fields.

    `view` is the URL name of the token-free landing page the emailed link opens."""

    namespace: str
    model: type[M]
    view: str
    parts: Callable[[M], tuple[object, ...]]

    def token(self, row: M) -> str:
        """The raw token of `row` (rebuilt from its nonce; never stored)."""
        return link_derive(
            namespace=self.namespace, parts=self.parts(row), nonce=cast(LinkRow, row).nonce
        )

    def url(self, row: M) -> str:
        """The absolute link that goes into the email."""
        return link_url(view=self.view, token=self.token(row))

    def issue(self, row: M) -> M:
        """Give an unsaved row a fresh nonce and the hash of its token; returns the row."""
        fields = cast(LinkRow, row)
        fields.nonce = link_nonce()
        fields.token_hash = link_hash(self.token(row))
        return row

    def find(self, token: str, queryset: QuerySet[M] | None = None) -> M | None:
        """The row behind a raw token, or None (also for tokens of another kind)."""
        if not isinstance(token, str) or not TOKEN_MIN <= len(token) <= TOKEN_MAX:
            return None
        rows = queryset if queryset is not None else self.model._default_manager.all()
        return rows.filter(token_hash=link_hash(token)).first()

    def send_once(
        self,
        *,
        pk: int,
        send: Callable[[M], None],
        queryset: QuerySet[M] | None = None,
        pending: dict[str, Any] | None = None,
        claim: dict[str, Any] | None = None,
    ) -> bool:
        """Claim the row, call `send(row)`, keep the claim; True if this call sent it.

        By default a row is pending while sent_at is empty and the claim stamps sent_at;
        reminders pass their own (`pending` filters, `claim` is the UPDATE). `queryset`
        loads the row for `send` (e.g. with select_related). Errors in `send` propagate
        after the claim was rolled back.
        """
        manager = self.model._default_manager
        with transaction.atomic():
            claimed = manager.filter(pk=pk, **(pending or {"sent_at__isnull": True})).update(
                **(claim or {"sent_at": timezone.now()})
            )
            if not claimed:
                return False
            rows = queryset if queryset is not None else manager.all()
            send(rows.get(pk=pk))
        return True

    def send_all(
        self,
        *,
        ids: Sequence[int],
        send: Callable[[M], None],
        queryset: QuerySet[M] | None = None,
        pending: dict[str, Any] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> SendReport:
        """`send_once` for each id, with the policy of `send_each`."""
        return send_each(
            ids=ids,
            send_one=lambda pk: self.send_once(
                pk=pk, send=send, queryset=queryset, pending=pending
            ),
            progress=progress,
        )

    def spend(self, *, pk: int, **still: Any) -> bool:
        """Mark the link used if it is unused (and matches `still`); False: someone was first.

        Call it inside the transaction that stores the answer, so the answer and the spent
        link commit together or not at all.
        """
        return bool(
            self.model._default_manager.filter(pk=pk, used=False, **still).update(used=True)
        )


def link_counts_by_team(rows: QuerySet[Any]) -> list[dict[str, Any]]:
    """Invited, sent and answered (`used`) per `team_id` of a set of link rows: what a closed
    round or check-in window keeps once its per-person rows are deleted."""
    return list(
        rows.values("team_id")
        .annotate(
            invited=Count("id"),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            answered=Count("id", filter=Q(used=True)),
        )
        .order_by("team_id")
    )
