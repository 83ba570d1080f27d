"""A small district and a month of daily dated writes, whose every change is known by construction.

On ``START`` (2026-10-01) the district stands as ``_base()`` writes it; then each day of October has
its own write (``DAILY``), each dated so that it takes effect on its day. ``PLANTED`` lists every
change the month brings, with its day; :func:`expected` answers which of them lie between two days.
Things dated outside October (a post taken in September, a seat ending in December, an agreement
signed on START itself or expiring on END) are there so that a query listing them would fail.

    区 d
    ├── 东湖街道 s1 (o-s1)
    │   ├── 幸福社区 c1 (o-c1; secretary p1 until 10-07, p2 from 10-08)
    │   │   ├── 春晖苑 a11 (o-a11)
    │   │   │   ├── 春晖苑第1网格 g111: group o-g111 until 10-22
    │   │   │   └── 春晖苑第2网格 g112: from 10-25, no group
    │   │   ├── 锦绣园 a12: from 10-03; branch o-a12 from 10-05
    │   │   │   └── 锦绣园第1网格 g121: from 10-03, no group
    │   │   └── u1 抚东供电公司 (o-u1; m1 in service, reports to c1 on 10-14)
    │   └── 和平社区 c2 (o-c2): moves to s2 on 10-16, o-c2 to o-s2 the same day
    │       ├── 和平苑 a21 (o-a21)
    │       └── u2 区人民医院 (no organisation)
    └── 西湖街道 s2 (o-s2)
        └── 光明社区 c3 (o-c3), 光明苑 a31 without a branch

Agreements: ag-old (o-c1, o-u1) expires 10-10, renewed by ag-new on 10-09; ag-x (o-c2, u2) expires
10-15 unrenewed; ag-sign (o-c2, o-u1) signed 10-20; ag-start signed on START, ag-end expires on END.
Seats: seat1 on o-c1 for u1 from 10-12; seat2 on o-c2 for u1 until 10-18; seat3 till December.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from graph.model import (
    Agreement,
    Batch,
    ChangeEvent,
    Covers,
    Edge,
    HeldBy,
    Level,
    LocatedIn,
    Member,
    MemberCategory,
    MemberOf,
    Node,
    OnBehalfOf,
    Organisation,
    OrgForm,
    Post,
    PostIn,
    PostKind,
    Provenance,
    ReportedTo,
    ReportsTo,
    Seat,
    SeatOn,
    SignedBy,
    Territory,
    Unit,
    UnitType,
    Within,
)
from graph.store import GraphStore, RecordOf

__all__ = [
    "BASE_DAY",
    "DAILY",
    "END",
    "PLANTED",
    "PROPERTY_CHANGES",
    "START",
    "Planted",
    "changing_network",
    "expected",
    "expected_properties",
    "keeps_history",
    "write_month",
]

START = date(2026, 10, 1)
END = date(2026, 10, 31)


def _d(day: int) -> date:
    return date(2026, 10, day)


def _prov(day: date) -> Provenance:
    return Provenance(source=f"daily-{day}", recorded_at=datetime.combine(day, datetime.min.time()))


@dataclass(frozen=True)
class Planted:
    """One planted change: its section of the answer, its kind, the id it is about, and its day."""

    section: str
    kind: ChangeEvent
    id: str
    day: date


PLANTED: list[Planted] = [
    Planted("territories", ChangeEvent.CREATED, "a12", _d(3)),
    Planted("territories", ChangeEvent.CREATED, "g121", _d(3)),
    Planted("organisations", ChangeEvent.CREATED, "o-a12", _d(5)),
    Planted("posts", ChangeEvent.LEFT, "p1", _d(8)),
    Planted("posts", ChangeEvent.TAKEN, "p2", _d(8)),
    Planted("agreements", ChangeEvent.RENEWED, "ag-new", _d(9)),
    Planted("seats", ChangeEvent.TAKEN, "seat1", _d(12)),
    Planted("reports", ChangeEvent.REPORTED, "m1", _d(14)),
    Planted("territories", ChangeEvent.MOVED, "c2", _d(16)),
    Planted("organisations", ChangeEvent.MOVED, "o-c2", _d(16)),
    Planted("agreements", ChangeEvent.EXPIRED, "ag-x", _d(16)),
    Planted("seats", ChangeEvent.LEFT, "seat2", _d(19)),
    Planted("agreements", ChangeEvent.SIGNED, "ag-sign", _d(20)),
    Planted("organisations", ChangeEvent.ENDED, "o-g111", _d(23)),
    Planted("territories", ChangeEvent.CREATED, "g112", _d(25)),
]
"""Every change of the month in the district, by the day it takes effect (the first day of the new state)."""


def expected(since: date, until: date) -> set[tuple[str, ChangeEvent, str]]:
    """The planted changes listed between two days: those whose day lies after ``since``, up to ``until``."""
    return {(p.section, p.kind, p.id) for p in PLANTED if since < p.day <= until}


def _base() -> Batch:
    p = _prov(START - timedelta(days=1))
    territories = [
        ("d", "抚东区", Level.DISTRICT, None, None),
        ("s1", "东湖街道", Level.STREET, "d", None),
        ("s2", "西湖街道", Level.STREET, "d", None),
        ("c1", "幸福社区", Level.COMMUNITY, "s1", None),
        ("c2", "和平社区", Level.COMMUNITY, "s1", None),
        ("c3", "光明社区", Level.COMMUNITY, "s2", None),
        ("a11", "春晖苑", Level.RESIDENTIAL_AREA, "c1", None),
        ("a21", "和平苑", Level.RESIDENTIAL_AREA, "c2", None),
        ("a31", "光明苑", Level.RESIDENTIAL_AREA, "c3", None),
        ("g111", "春晖苑第1网格", Level.GRID, "a11", 30),
    ]
    nodes: list[Node] = [Territory(id=i, name=n, level=lv, households=h, provenance=p) for i, n, lv, _, h in territories]
    edges: list[Edge] = [Within(source=i, target=parent, provenance=p) for i, _, _, parent, _ in territories if parent]
    orgs = [
        ("o-d", "中共抚东区委员会", Level.DISTRICT, OrgForm.COMMITTEE, "d", None),
        ("o-s1", "东湖街道党工委", Level.STREET, OrgForm.WORKING_COMMITTEE, "s1", "o-d"),
        ("o-s2", "西湖街道党工委", Level.STREET, OrgForm.WORKING_COMMITTEE, "s2", "o-d"),
        ("o-c1", "幸福社区党委", Level.COMMUNITY, OrgForm.COMMITTEE, "c1", "o-s1"),
        ("o-c2", "和平社区党委", Level.COMMUNITY, OrgForm.COMMITTEE, "c2", "o-s1"),
        ("o-c3", "光明社区党支部", Level.COMMUNITY, OrgForm.BRANCH, "c3", "o-s2"),
        ("o-a11", "春晖苑党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, "a11", "o-c1"),
        ("o-a21", "和平苑党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, "a21", "o-c2"),
        ("o-g111", "春晖苑第1网格党小组", Level.GRID, OrgForm.GROUP, "g111", "o-a11"),
    ]
    nodes += [Organisation(id=i, name=n, level=lv, form=f, members=10, provenance=p) for i, n, lv, f, _, _ in orgs]
    edges += [Covers(source=i, target=t, provenance=p) for i, _, _, _, t, _ in orgs]
    edges += [ReportsTo(source=i, target=up, provenance=p) for i, _, _, _, _, up in orgs if up]
    nodes += [
        Unit(id="u1", name="抚东供电公司", unit_type=UnitType.SOE, provenance=p),
        Unit(id="u2", name="区人民医院", unit_type=UnitType.HOSPITAL, provenance=p),
        Organisation(id="o-u1", name="抚东供电公司党支部", level=Level.UNIT, form=OrgForm.BRANCH, members=20, provenance=p),
        Member(id="m1", name="赵敏", category=MemberCategory.IN_SERVICE, provenance=p),
        Member(id="m2", name="钱进", category=MemberCategory.IN_SERVICE, provenance=p),
    ]
    edges += [
        LocatedIn(source="u1", target="c1", provenance=p),
        LocatedIn(source="u2", target="c2", provenance=p),
        Covers(source="o-u1", target="u1", provenance=p),
        ReportsTo(source="o-u1", target="o-c1", provenance=p),
        MemberOf(source="m1", target="o-u1", valid_from=date(2024, 1, 1), provenance=p),
        MemberOf(source="m2", target="o-u1", valid_from=date(2024, 1, 1), provenance=p),
        ReportedTo(source="m2", target="c3", valid_from=date(2026, 9, 20), provenance=p),  # before the month: not listed
    ]
    agreements = [  # id, signed, expires, parties
        ("ag-old", date(2025, 10, 11), _d(10), ("o-c1", "o-u1")),
        ("ag-x", date(2025, 10, 16), _d(15), ("o-c2", "u2")),
        ("ag-start", START, None, ("o-c3", "u2")),  # signed on START: in force on both days, no change
        ("ag-end", date(2025, 11, 1), END, ("o-c1", "u2")),  # expires on END: in force on both days, no change
    ]
    for aid, signed, expires, parties in agreements:
        nodes.append(Agreement(id=aid, signed_on=signed, expires_on=expires, provenance=p))
        edges += [SignedBy(source=aid, target=party, provenance=p) for party in parties]
    seats = [  # id, person, committee, unit, from, to
        ("seat2", "孙浩", "o-c2", "u1", date(2025, 1, 1), _d(18)),
        ("seat3", "吴刚", "o-c1", "u1", date(2025, 1, 1), date(2026, 12, 31)),  # ends after the month
    ]
    for sid, person, committee, unit, start, end in seats:
        nodes.append(Seat(id=sid, person=person, role="兼职委员", valid_from=start, valid_to=end, provenance=p))
        edges += [SeatOn(source=sid, target=committee, provenance=p), OnBehalfOf(source=sid, target=unit, provenance=p)]
    posts = [  # id, body, person, from, to
        ("p1", "o-c1", "陈红", date(2021, 10, 1), _d(7)),
        ("p0", "o-c2", "李明", date(2026, 9, 1), None),  # taken before the month
    ]
    for pid, body, person, start, end in posts:
        nodes.append(Post(id=pid, post=PostKind.SECRETARY, person=person, valid_from=start, valid_to=end, provenance=p))
        edges.append(PostIn(source=pid, target=body, provenance=p))
    return Batch(nodes=nodes, edges=edges)


def _day(day: int) -> Batch:
    """What is written on one day of October, dated to take effect on it (an empty write on a quiet day)."""
    on = _d(day)
    p = _prov(on)
    nodes: list[Node] = []
    edges: list[Edge] = []
    if day == 3:
        nodes += [
            Territory(id="a12", name="锦绣园", level=Level.RESIDENTIAL_AREA, provenance=p),
            Territory(id="g121", name="锦绣园第1网格", level=Level.GRID, households=50, provenance=p),
        ]
        edges += [
            Within(source="a12", target="c1", valid_from=on, provenance=p),
            Within(source="g121", target="a12", valid_from=on, provenance=p),
        ]
    elif day == 5:
        nodes.append(
            Organisation(id="o-a12", name="锦绣园党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, members=5, provenance=p)
        )
        edges += [
            Covers(source="o-a12", target="a12", valid_from=on, provenance=p),
            ReportsTo(source="o-a12", target="o-c1", valid_from=on, provenance=p),
        ]
    elif day == 8:
        nodes.append(Post(id="p2", post=PostKind.SECRETARY, person="周涛", valid_from=on, provenance=p))
        edges.append(PostIn(source="p2", target="o-c1", provenance=p))
    elif day == 9:
        nodes.append(Agreement(id="ag-new", signed_on=on, expires_on=date(2027, 10, 8), provenance=p))
        edges += [SignedBy(source="ag-new", target=party, provenance=p) for party in ("o-c1", "o-u1")]
    elif day == 12:
        nodes.append(Seat(id="seat1", person="赵敏", role="兼职委员", valid_from=on, provenance=p))
        edges += [
            SeatOn(source="seat1", target="o-c1", provenance=p),
            OnBehalfOf(source="seat1", target="u1", provenance=p),
            HeldBy(source="seat1", target="m1", provenance=p),
        ]
    elif day == 14:
        edges.append(ReportedTo(source="m1", target="c1", valid_from=on, provenance=p))
    elif day == 16:  # c2 moves to the other street, and its committee with it (the old places closed the day before, kept)
        edges += [
            Within(source="c2", target="s2", valid_from=on, provenance=p),
            ReportsTo(source="o-c2", target="o-s2", valid_from=on, provenance=p),
        ]
    elif day == 20:  # and g111 counts 36 households from today (30 before): a property change, listed where history is kept
        nodes.append(Agreement(id="ag-sign", signed_on=on, provenance=p))
        nodes.append(Territory(id="g111", name="春晖苑第1网格", level=Level.GRID, households=36, provenance=p))
        edges += [SignedBy(source="ag-sign", target=party, provenance=p) for party in ("o-c2", "o-u1")]
    elif day == 22:  # the grid group is dissolved: its last day
        edges.append(Covers(source="o-g111", target="g111", valid_to=on, provenance=p))
    elif day == 25:
        nodes.append(Territory(id="g112", name="春晖苑第2网格", level=Level.GRID, households=40, provenance=p))
        edges.append(Within(source="g112", target="a11", valid_from=on, provenance=p))
    return Batch(nodes=nodes, edges=edges)


DAILY: list[tuple[date, Batch]] = [(_d(day), _day(day)) for day in range(1, 32)]
"""Each day of October with what is written on it."""


BASE_DAY = START - timedelta(days=1)
"""The day the base district is written as of (so that the month's changes all come after its creation)."""

PROPERTY_CHANGES: list[Planted] = [Planted("properties", ChangeEvent.CHANGED, "g111", _d(20))]
"""The property changes of the month: listed by a store that keeps the nodes' history (graph.history)."""


def changing_network() -> list[tuple[date, Batch]]:
    """The district as of START's eve, then each day's write in order, each with the day it takes effect."""
    return [(BASE_DAY, _base()), *DAILY]


def write_month(store: GraphStore, *, record: dict[date, RecordOf] | None = None) -> GraphStore:
    """Write the district and its month, each write dated to its day (``record``: an audit entry for some days)."""
    for on, batch in changing_network():
        store.write(batch, effective=on, record=(record or {}).get(on))
    return store


def keeps_history(store: GraphStore) -> bool:
    """Whether the store keeps the nodes' property history (it did not before issue 16's history landed)."""
    return bool(store.history("g111"))


def expected_properties(store: GraphStore, since: date, until: date) -> set[tuple[str, ChangeEvent, str]]:
    """The planted property changes listed between two days, where the store keeps history."""
    if not keeps_history(store):
        return set()
    return {(p.section, p.kind, p.id) for p in PROPERTY_CHANGES if since < p.day <= until}
