"""Which statements one respondent of a round answers: their rotation form (reads only).

In a round made with per-respondent forms (`PulseRound.questions` set) each respondent
answers one form of the rotation (`surveys.rotation.form_items`) over the bank of the
round's rubric (a version any round used is never edited, so the bank stays put); the
round items are just its sample form (the form r of the round, same size). The form
number is handed out when the person opens the survey (`surveys.services.forms`), carried
by the page (or the API client) to the submission and never stored: a stored invitation →
form map would tie a response's set of statements to the few people holding that form.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any

from surveys.models import Item, PulseRound
from surveys.rotation import Bank, form_items, forms_per_cycle


def round_pool(*, round: PulseRound) -> list[Item]:
    """Every statement the round may ask, in rubric order: the rubric's bank for a round with
    per-respondent forms, the round items for a round of before."""
    if round.questions is None:
        return [
            ri.item
            for ri in round.round_items.select_related("item", "item__dimension").order_by(
                "position"
            )
        ]
    return list(
        Item.objects.filter(rubric_id=round.rubric_id)
        .select_related("dimension")
        .order_by("dimension__position", "dimension_id", "position", "id")
    )


def _bank(pool: list[Item]) -> Bank:
    """The pool as a rotation bank: dimensions in order of first appearance, items in order."""
    by_dim: dict[int, list[str]] = {}
    keys: dict[int, str] = {}
    for it in pool:
        by_dim.setdefault(it.dimension_id, []).append(it.key)
        keys[it.dimension_id] = it.dimension.key
    return [(keys[d], items) for d, items in by_dim.items()]


def round_has_forms(*, round: PulseRound) -> bool:
    """True when each respondent gets their own form (rounds since per-respondent forms)."""
    return round.questions is not None


def round_forms_per_cycle(*, round: PulseRound, pool: list[Item] | None = None) -> int:
    """T of the round's design: 1 for a round where everyone answers the same items."""
    if round.questions is None:
        return 1
    pool = round_pool(round=round) if pool is None else pool
    return forms_per_cycle(_bank(pool), questions=round.questions) if pool else 1


def round_form(
    *, round: PulseRound, form_index: int | None, pool: list[Item] | None = None
) -> list[Item]:
    """The statements of form `form_index` of the round (every round item for an old round)."""
    pool = round_pool(round=round) if pool is None else pool
    if round.questions is None or form_index is None or not pool:
        return pool
    by_key = {it.key: it for it in pool}
    keys = form_items(_bank(pool), questions=round.questions, form_index=form_index)
    return [by_key[k] for k in keys]


def round_form_for_keys(
    *, round: PulseRound, keys: Iterable[str], pool: list[Item] | None = None
) -> int | None:
    """The first form of the cycle holding every statement in `keys`, for a client that did
    not send its form number; None when no form holds them all (or the round has no forms)."""
    if round.questions is None:
        return None
    pool = round_pool(round=round) if pool is None else pool
    wanted = set(keys)
    bank = _bank(pool)
    for g in range(forms_per_cycle(bank, questions=round.questions)):  # T ≤ a few dozen
        if wanted <= set(form_items(bank, questions=round.questions, form_index=g)):
            return g
    return None


# --- Cached per round: the submit path reads a round's statements once per process ---------
# The pool of a round never changes while it takes answers (its rubric version is frozen
# once a round used it; its round items are set when it is made), so it is cached per
# process under a key naming everything that decides it: the round, its rubric version,
# its number of questions and its creation time (a round id alone can be reused by a new
# round after a test rollback or a restore). Bounded LRU; the Item objects are shared and
# read-only for callers.
ROUND_CACHE_SIZE = 512
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_cache_lock = threading.Lock()


def round_version(*, round: PulseRound) -> tuple[Any, ...]:
    """What decides a round's statements: the cache key of `round_pool_cached`."""
    return (round.pk, round.rubric_id, round.questions, round.created_at)


def _cached(key: Hashable, make: Any) -> Any:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = make()  # outside the lock: a query; two threads may both make it, harmlessly
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > ROUND_CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def round_pool_cached(*, round: PulseRound) -> list[Item]:
    """`round_pool`, read once per round and process (no query after the first call)."""
    pool: list[Item] = _cached(
        ("pool", *round_version(round=round)), lambda: round_pool(round=round)
    )
    return pool


def round_form_cached(*, round: PulseRound, form_index: int) -> list[Item]:
    """`round_form` of the cached pool, itself cached per (round, form)."""
    pool = round_pool_cached(round=round)
    form: list[Item] = _cached(
        ("form", form_index, *round_version(round=round)),
        lambda: round_form(round=round, form_index=form_index, pool=pool),
    )
    return form


def round_cache_clear() -> None:
    """Forget every cached round (tests; an operator who edited a used rubric by hand)."""
    with _cache_lock:
        _cache.clear()
