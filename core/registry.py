"""Extension points: typed registries a lower app owns and higher apps fill in `ready()`.

An app never imports an app above it, not even inside a function. When a lower app needs
something only a higher app knows (what decisions stores about a person, that scoring must
rescore a closed round, the check-in row under a results dimension), the lower app iterates
one of these registries and each higher app registers its contribution from its
`AppConfig.ready()` (pretix's `register_data_shredders` is the model). Core names no app.

The four extension points:
- `person_data`: each app's part of the GDPR export and erasure of one person;
- `demo_seeders`: each app's part of the demo organization, run in a declared order;
- `round_scores_changed` / `team_tree_changed` / `release_published`: events announced by the app that owns the
  change and handled by the apps that keep derived data (snapshots);
- `result_sources`: extra, labelled rows shown next to a results dimension.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Contributions by key; registering a key again replaces it (ready() may run twice)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def keys(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())


class Event(Registry[Callable[[int], None]]):
    """Something happened to the object with this id; each registered handler reacts.

    Handlers run inside the announcer's transaction, so they queue work with
    `task.delay_on_commit(id)` rather than doing it: a rolled-back change queues nothing.
    """

    def announce(self, object_id: int) -> None:
        for handler in self:
            handler(object_id)


# --- GDPR --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    """One app's part of what is stored about a person (an `orgs.Person`).

    `export(person)` returns JSON-ready sections ({name: data}) for the access request;
    `erase(person)` deletes or unlinks the app's rows about the person and returns counts
    ({what: n}) for the audit entry. Erase runs before the person row is deleted, and never
    touches anonymous answers (they carry no link to a person). `summary(person)` only reads:
    what `erase` would delete or unlink, in words, one line per kind of row the person has
    ("2 survey invitations"); the delete confirmation page lists every app's lines.
    """

    export: Callable[[Any], dict[str, Any]]
    erase: Callable[[Any], dict[str, int]]
    summary: Callable[[Any], list[str]]


person_data: Registry[PersonData] = Registry("person_data")


# --- Demo --------------------------------------------------------------------------------


class DemoSeed(Protocol):
    def __call__(
        self,
        *,
        org: Any,
        rng: random.Random,
        periods: list[dt.date],
        today: dt.date,
        log: Callable[[str], None],
    ) -> None: ...


@dataclass(frozen=True)
class DemoSeeder:
    """One app's part of the demo organization.

    Seeders run by ascending `order` (after the organization, its teams and people exist);
    `reset(org)` deletes the app's rows of the demo org before the org itself goes, in
    descending order, so rows that protect others are removed first.
    """

    order: int
    seed: DemoSeed
    reset: Callable[[Any], None]


demo_seeders: Registry[DemoSeeder] = Registry("demo_seeders")


# --- Rescoring triggers --------------------------------------------------------------------

# Answers of a pulse round changed (round closed, or answers arrived while open): round id.
round_scores_changed = Event("round_scores_changed")
# Teams of an organization were moved or deleted, so stored cells no longer fit: org id.
team_tree_changed = Event("team_tree_changed")
# An organization's work items (and their history) were imported or re-imported: org id.
work_items_imported = Event("work_items_imported")
# A results release of an organization was published and committed: org id.
release_published = Event("release_published")


# --- Result sources ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceCell:
    """One (team, period) cell of a result source.

    `payload` is the cell as the results API emits it (labelled; no numbers when
    suppressed); the other fields are what the results page shows.
    """

    payload: dict[str, Any]
    suppressed: bool
    reason: str = ""  # in words, when suppressed
    score: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None


# (org, [(team_id, period)]) -> cells found; team 0 = the whole organization.
SourceCells = Callable[[Any, list[tuple[int, dt.date]]], Mapping[tuple[int, dt.date], SourceCell]]


@dataclass(frozen=True)
class ResultSource:
    """A separate, labelled source shown under one results dimension, never averaged in.

    `field` is the key of its cell in each API result row and `help_text` describes it in
    the API schema; the page shows `row_label` under `dimension`, explains it with `note`
    and links to `more_url` (a URL name) as `more_label` — only for readers holding one of
    `more_roles` (role names; None = every results reader), so no page links to a page its
    reader cannot open.
    """

    field: str
    dimension: str
    row_label: str
    help_text: str
    note: str
    more_label: str
    more_url: str
    cells: SourceCells
    more_roles: frozenset[str] | None = None

    def links_for(self, roles: frozenset[str]) -> bool:
        """Whether a reader with these roles may open `more_url` (and so sees the link)."""
        return self.more_roles is None or bool(self.more_roles & roles)


result_sources: Registry[ResultSource] = Registry("result_sources")
