"""Poll kinds: what a valid answer is for each kind, and how a poll's answers add up."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from core.errors import InvalidInput
from workshops.models_polls import Poll

TEXT_MAX = 280
QUESTION_MAX = 300
OPTION_MAX = 120
OPTIONS_MAX = 10
AGREE_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neutral",
    4: "Agree",
    5: "Strongly agree",
}
# The 2×2 quadrants: (impact, effort) → label. Code order is the grid's reading order.
QUADRANTS = {
    "quick_win": "Quick win (high impact, low effort)",
    "big_bet": "Big bet (high impact, high effort)",
    "fill_in": "Fill-in (low impact, low effort)",
    "money_pit": "Money pit (low impact, high effort)",
}
NEEDS_OPTIONS: dict[str, int] = {Poll.Kind.CHOICE: 2, Poll.Kind.RANK: 2, Poll.Kind.MATRIX: 1}


def poll_options_clean(*, kind: str, options: Sequence[str]) -> list[str]:
    """Trimmed, non-empty, distinct option labels, as many as the kind needs."""
    if kind not in Poll.Kind.values:
        raise InvalidInput("Choose a poll kind.", {"kind": "Choose a poll kind."})
    cleaned: list[str] = []
    for raw in options:
        label = " ".join(str(raw).split())
        if not label:
            continue
        if len(label) > OPTION_MAX:
            msg = f"Each option may have at most {OPTION_MAX} characters."
            raise InvalidInput(msg, {"options": msg})
        if label not in cleaned:
            cleaned.append(label)
    need = NEEDS_OPTIONS.get(kind)
    if need is None:
        return []
    if len(cleaned) < need:
        msg = f"This kind of poll needs at least {need} option(s), one per line."
        raise InvalidInput(msg, {"options": msg})
    if len(cleaned) > OPTIONS_MAX:
        msg = f"At most {OPTIONS_MAX} options."
        raise InvalidInput(msg, {"options": msg})
    return cleaned


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def answer_clean(*, poll: Poll, raw: Mapping[str, Any]) -> Any:
    """The stored form of one answer, from form fields; InvalidInput naming what is wrong.

    raw: a mapping of field name to a string or a list of strings (a QueryDict's lists).
    agree → 1..5; choice → option index; rank → option indices, best first, each once;
    text → a string of at most TEXT_MAX characters; matrix → a quadrant code per option.
    """

    def one(name: str) -> str:
        value = raw.get(name, "")
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return str(value)

    n = len(poll.options)
    if poll.kind == Poll.Kind.AGREE:
        v = _int(one("value"))
        if v not in AGREE_LABELS:
            raise InvalidInput("Pick one point on the scale.", {"value": "Pick one point."})
        return v
    if poll.kind == Poll.Kind.CHOICE:
        v = _int(one("value"))
        if v is None or not 0 <= v < n:
            raise InvalidInput("Pick one of the options.", {"value": "Pick one option."})
        return v
    if poll.kind == Poll.Kind.RANK:
        ranks = [_int(one(f"rank_{i}")) for i in range(n)]
        if sorted(r for r in ranks if r is not None) != list(range(1, n + 1)):
            msg = f"Give each option a different place from 1 to {n}."
            raise InvalidInput(msg, {"rank": msg})
        # Stored as option indices, best first.
        return [i for _, i in sorted((r, i) for i, r in enumerate(ranks) if r is not None)]
    if poll.kind == Poll.Kind.TEXT:
        text = " ".join(one("text").split())
        if not text:
            raise InvalidInput("Write an answer first.", {"text": "Write an answer."})
        if len(text) > TEXT_MAX:
            msg = f"Keep it to {TEXT_MAX} characters (this one has {len(text)})."
            raise InvalidInput(msg, {"text": msg})
        return text
    if poll.kind == Poll.Kind.MATRIX:
        placed = [one(f"place_{i}") for i in range(n)]
        if any(p not in QUADRANTS for p in placed):
            msg = "Place every item in one of the four boxes."
            raise InvalidInput(msg, {"place": msg})
        return placed
    raise InvalidInput("This poll cannot be answered.")


def _pct(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _bar(count: int, total: int) -> dict[str, Any]:
    pct = _pct(count, total)
    # Bars are drawn by CSS classes in 10 % steps (no inline styles under the CSP).
    return {"count": count, "pct": pct, "step": round(pct / 10.0) * 10}


def poll_tally(*, poll: Poll, answers: Sequence[Any], rng: random.Random | None = None) -> dict:
    """Add up a poll's answers (one per participant) for display; text answers shuffled."""
    total = len(answers)
    out: dict[str, Any] = {"kind": poll.kind, "n": total, "rows": [], "texts": [], "grid": []}
    if poll.kind == Poll.Kind.AGREE:
        out["rows"] = [
            {"label": f"{v} · {label}", **_bar(sum(1 for a in answers if a == v), total)}
            for v, label in AGREE_LABELS.items()
        ]
        vals = [a for a in answers if isinstance(a, int)]
        out["mean"] = round(sum(vals) / len(vals), 1) if vals else None
    elif poll.kind == Poll.Kind.CHOICE:
        out["rows"] = [
            {"label": label, **_bar(sum(1 for a in answers if a == i), total)}
            for i, label in enumerate(poll.options)
        ]
    elif poll.kind == Poll.Kind.RANK:
        n = len(poll.options)
        points = [0] * n  # Borda: first place earns n-1 points, last earns 0
        for a in answers:
            for place, i in enumerate(a if isinstance(a, list) else []):
                if isinstance(i, int) and 0 <= i < n:
                    points[i] += n - 1 - place
        top = max(points) if any(points) else 0
        order = sorted(range(n), key=lambda i: (-points[i], i))
        # Bars relative to the leader's points: the top option fills the track.
        out["rows"] = [{"label": poll.options[i], **_bar(points[i], top)} for i in order]
    elif poll.kind == Poll.Kind.TEXT:
        texts = [a for a in answers if isinstance(a, str)]
        (rng or random.SystemRandom()).shuffle(texts)
        out["texts"] = texts
    elif poll.kind == Poll.Kind.MATRIX:
        for i, label in enumerate(poll.options):
            cells = {
                q: sum(1 for a in answers if isinstance(a, list) and len(a) > i and a[i] == q)
                for q in QUADRANTS
            }
            winner = max(QUADRANTS, key=lambda q: cells[q])
            out["grid"].append({"label": label, "cells": cells, "placed": QUADRANTS[winner]})
        out["quadrants"] = QUADRANTS
    return out
