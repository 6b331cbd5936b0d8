"""The team tree of one organization, loaded once: parents, children, names, descendants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TeamTree:
    """An immutable snapshot of an org's teams (active and inactive)."""

    parent_of: dict[int, int | None]
    names: dict[int, str]
    active: frozenset[int]
    children: dict[int | None, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int | None, str, bool]]) -> TeamTree:
        """Build from (id, parent_id, name, is_active) rows."""
        parent_of: dict[int, int | None] = {}
        names: dict[int, str] = {}
        active: set[int] = set()
        kids: dict[int | None, list[int]] = {}
        for tid, parent_id, name, is_active in rows:
            parent_of[tid] = parent_id
            names[tid] = name
            if is_active:
                active.add(tid)
            kids.setdefault(parent_id, []).append(tid)
        return cls(
            parent_of=parent_of,
            names=names,
            active=frozenset(active),
            children={
                p: tuple(sorted(c, key=lambda t: names[t].casefold())) for p, c in kids.items()
            },
        )

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(self.parent_of)

    @property
    def roots(self) -> tuple[int, ...]:
        return self.children.get(None, ())

    def descendants(self, roots: Iterable[int]) -> set[int]:
        """The given teams and every team below them (unknown ids are ignored)."""
        out: set[int] = set()
        stack = [t for t in roots if t in self.parent_of]
        while stack:
            tid = stack.pop()
            if tid in out:
                continue
            out.add(tid)
            stack.extend(self.children.get(tid, ()))
        return out

    def ancestors(self, team_id: int) -> list[int]:
        """Parents of `team_id`, nearest first (cycle-safe)."""
        out: list[int] = []
        seen = {team_id}
        parent = self.parent_of.get(team_id)
        while parent is not None and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = self.parent_of.get(parent)
        return out

    def depth(self, team_id: int) -> int:
        return len(self.ancestors(team_id))
