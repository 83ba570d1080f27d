"""Households, staff and population read on any level (户数, 专职人员数, 常住人口), each counted once.

A figure may be recorded on a territory of any level: a grid's households, a community's own
when it has no grids, a street's large grids' staff. To keep sums from counting a household
twice, a territory's own figure counts only where **no territory under it on the day records
that figure**; otherwise its territories below are counted instead (the finer record wins).
So a community with 900 households on its own row and no grids counts 900, and the same
community with grids recording 850 counts 850, its own 900 left aside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from graph.store import TerritoryFacts

__all__ = ["Recorded", "recorded"]

Field = Literal["households", "staff", "population"]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One figure over a scope's territories: what each adds by itself, and each one's subtree total."""

    own: dict[str, int]
    total: dict[str, int]


def recorded(facts: Sequence[TerritoryFacts], field: Field) -> Recorded:
    """The figure ``field`` of each territory, counted where nothing below records it; ``facts`` parents first."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    recorded_below: set[str] = set()
    for territory in reversed(facts):  # children before parents
        value: int | None = getattr(territory, field)
        below = territory.id in recorded_below
        mine = value if value is not None and not below else 0
        own[territory.id] = mine
        subtotal = total[territory.id] = total.get(territory.id, 0) + mine
        if territory.parent is not None:
            total[territory.parent] = total.get(territory.parent, 0) + subtotal
            if below or value is not None:
                recorded_below.add(territory.parent)
    return Recorded(own, total)
