"""The one interface every graph store offers; queries and the API see nothing else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from graph.history import PropertyChange
from graph.model import (
    Batch,
    CentreLevel,
    Edge,
    EdgeKind,
    Level,
    MemberCategory,
    MemberRole,
    Node,
    NodeKind,
    OrgForm,
    PostKind,
    UnitType,
)

__all__ = [
    "AgreementFacts",
    "CentreFacts",
    "ChainFacts",
    "Direction",
    "GraphStore",
    "HeadFacts",
    "ImportRecord",
    "InServiceFacts",
    "OrgFacts",
    "OrgRef",
    "PartyRef",
    "PostFacts",
    "RecordOf",
    "ScopeUnit",
    "TerritoryFacts",
    "UnitFacts",
    "WriteSummary",
]


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


class WriteSummary(BaseModel):
    """What one write did, counted per node kind and per edge kind."""

    created: Counter[str] = Field(default_factory=Counter)
    updated: Counter[str] = Field(default_factory=Counter)
    unchanged: Counter[str] = Field(default_factory=Counter)
    removed: Counter[str] = Field(default_factory=Counter)

    @classmethod
    def from_counts(cls, **counts: Counter[str]) -> WriteSummary:
        """A summary from counters keyed by node or edge kind (enum members or their values)."""
        return cls(**{what: Counter({str(k): n for k, n in c.items()}) for what, c in counts.items()})

    def add(self, other: WriteSummary) -> None:
        """Count another write's figures into this one."""
        for what in ("created", "updated", "unchanged", "removed"):
            getattr(self, what).update(getattr(other, what))

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def total(self, what: str) -> int:
        return sum(getattr(self, what).values())


class ImportRecord(BaseModel):
    """One entry of the import ledger, which is also the audit log: every write, who made it, when, and what it changed."""

    id: str = Field(description="unique id of the import; nodes and edges it wrote name it in their provenance source")
    file: str = Field(description="the file's name as given")
    sha256: str = Field(description="hash of the file's bytes: the same hash means the same file")
    started_at: datetime
    finished_at: datetime
    outcome: Literal["applied", "refused", "failed"]
    rows: dict[str, int] = Field(default_factory=dict, description="rows read per table")
    summary: WriteSummary = Field(default_factory=WriteSummary)
    problems: int = Field(default=0, description="how many problems refused it (outcome refused)")
    replaced: str | None = Field(default=None, description="the scope whose records missing from the file were deleted (--replace)")
    message: str | None = Field(default=None, description="why it failed, when it did")
    actor: str | None = Field(default=None, description="who wrote it: an API key, or the command line")
    scope: str | None = Field(default=None, description="the territory the writer was held to (their key's scope), if any")
    touched: list[str] = Field(default_factory=list, description="the record a single-record write (PUT, DELETE) was about")
    territories: list[str] = Field(default_factory=list, description="where that record lay when written: what the audit finds it by")
    as_of: date | None = Field(default=None, description="the day its changes took effect, when one was named (a backdated import)")


RecordOf = Callable[[WriteSummary], ImportRecord]
"""The audit entry of a write, made from what it did: a store calls it once the write is in place and
before it commits, so that the write and its entry are kept together or not at all. Reads of the
store from inside it see the write."""


@dataclass(frozen=True, slots=True, order=True)
class UnitFacts:
    """What coverage reads of one resident unit (驻区单位) on a day."""

    unit_type: UnitType
    organised: bool
    """A party organisation of its own covers it on the day (COVERS valid on the day)."""
    in_agreement: bool
    """Its organisation, or the unit itself when it has none, signed an agreement in force on the day
    (the agreement's own term and its SIGNED_BY edge both hold on the day)."""
    counted: bool = True
    """符合条件: it is counted in the seeds' denominators (its ``eligible`` is not recorded as no)."""


@dataclass(frozen=True, slots=True, order=True)
class CentreFacts:
    """What coverage and the gap rules read of one party-mass service centre (党群服务中心) serving a territory on a day."""

    id: str
    name: str
    centre_level: CentreLevel
    service_share: float | None
    """服务面积占比, percent; None when not recorded."""
    missing: tuple[str, ...]
    """The 六有 items it lacks, by field name (graph.model.SIX_HAVES order)."""


@dataclass(frozen=True, slots=True)
class TerritoryFacts:
    """What coverage reads of one territory on a day, by itself, before its children are added in.

    Every edge followed was valid on the day; node properties are as they were on the day (``GraphStore.node_on``).
    """

    id: str
    name: str
    level: Level
    parent: str | None
    """The territory it lies within on the day; None for the one asked about."""
    households: int | None
    staff: int | None
    covered: bool
    """A party organisation covers it on the day."""
    linked: int
    """Households its household heads (联户长, party members or not, SERVES on the day) link, summed, uncapped."""
    units: tuple[UnitFacts, ...]
    """The units LOCATED_IN it on the day, sorted."""
    members: Mapping[MemberCategory, int]
    """The roll held here (党员名册): party members whose membership (MEMBER_OF on the day) is held by its
    covering organisation (a joint organisation's at the first by id of the territories it covers that
    day), plus party members serving it on the day whose membership is held nowhere on the
    day, counted by category (categories with none left out). Each member counts once, where held."""
    unit_members: Mapping[MemberCategory, int] = field(default_factory=dict)
    """Party members held on the day by the organisations of the units LOCATED_IN it, by category: the units'
    roll, apart from the chain's."""
    in_service: int = 0
    """In-service members (在职党员) among ``members`` and ``unit_members``."""
    in_service_reported: int = 0
    """Of those, the ones who reported somewhere (REPORTED_TO on the day): 双报到 by where they are held."""
    reported_here: int = 0
    """In-service party members who reported (REPORTED_TO on the day) to it, or to an industrial park LOCATED_IN
    it on the day, wherever their membership is held: 双报到 by where they reported."""
    roles: frozenset[MemberRole] = frozenset()
    """The roles (网格长, 楼栋长, ...) held by the people serving it on the day."""
    heads: int = 0
    """Household heads serving it on the day who are party members (党员联户长)."""
    resident_heads: int = 0
    """Household heads serving it on the day who are not (群众联户长)."""
    population: int | None = None
    """常住人口 recorded on it (any level)."""
    upgraded: bool = False
    """Its covering organisation was made a committee by decision under the threshold (特批升格)."""
    centres: tuple[CentreFacts, ...] = ()
    """The service centres CENTRE_FOR it on the day, by id."""
    abandoned: bool = False
    """弃管小区: a residential area its property company has abandoned."""
    managers: tuple[UnitType, ...] = ()
    """The types of the units MANAGING it on the day (property companies, owners' committees, who runs it), sorted."""


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party to an agreement as an answer names it: id, kind and a name a person can read."""

    id: str
    kind: NodeKind
    name: str
    """Its name; a seat's holder, or 共建协议 <id>, as :func:`graph.scope.label` gives it."""


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    """What the gap rules read of one co-building agreement (党建共建协议) on a day."""

    id: str
    signed_on: date
    expires_on: date | None
    parties_on_day: frozenset[str]
    """The parties whose SIGNED_BY edge holds on the day (the agreement's own term is apart)."""
    parties: tuple[PartyRef, ...]
    """Every party on record, whatever the day, by id."""


@dataclass(frozen=True, slots=True)
class OrgRef:
    """An organisation named in an answer."""

    id: str
    name: str
    level: Level


@dataclass(frozen=True, slots=True)
class PostFacts:
    """职务: one term of one post in a body, on record whatever the day (the gap rules read its term)."""

    id: str
    post: PostKind
    person: str | None
    holder: str | None
    """The member holding it (HELD_BY), when on record."""
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class OrgFacts:
    """What the gap rules read of one party organisation on a day."""

    id: str
    name: str
    level: Level
    form: OrgForm
    members: int
    upgraded: bool
    parent: OrgRef | None
    """The organisation it reports to on the day (REPORTS_TO valid on the day)."""
    seats: int
    """兼职委员 seats on it in force on the day (the seat's own term and its SEAT_ON edge)."""
    agreements: tuple[AgreementFacts, ...]
    """Every agreement on record it signed, whatever its term or the edge's, by id."""
    posts: tuple[PostFacts, ...] = ()
    """Every post on record in it (POST_IN), whatever its term, by id."""


@dataclass(frozen=True, slots=True)
class HeadFacts:
    """党员联户长: a household head serving a territory on the day."""

    id: str
    name: str
    households: int


@dataclass(frozen=True, slots=True, order=True)
class InServiceFacts:
    """在职党员: an in-service member held in a territory (by its organisation or a unit's there), and their report."""

    id: str
    name: str
    since: date | None
    """When the membership began here (MEMBER_OF valid_from); None when not recorded, or held nowhere."""
    reported: bool
    """Whether they reported somewhere on the day (REPORTED_TO)."""


@dataclass(frozen=True, slots=True)
class ScopeUnit:
    """驻区单位: a unit located in a territory on the day, with the organisation covering it then."""

    id: str
    name: str
    unit_type: UnitType
    organisation: OrgFacts | None
    posts: tuple[PostFacts, ...] = ()
    """Every post on record in the unit itself (a residents' or owners' committee's 主任...), by id."""
    eligible: bool | None = None
    """符合条件, as recorded (None: not recorded)."""
    members: int | None = None
    """党员数 working in the unit, as recorded, organised or not."""


@dataclass(frozen=True, slots=True)
class ChainFacts:
    """What the gap rules read of one territory on a day besides its :class:`TerritoryFacts`:
    the organisation covering it, its household heads and its units, with names and ids to list them."""

    id: str
    organisation: OrgFacts | None
    heads: tuple[HeadFacts, ...]
    """Household heads serving it on the day, by id."""
    units: tuple[ScopeUnit, ...]
    """Units LOCATED_IN it on the day, by name then id."""
    in_service: tuple[InServiceFacts, ...] = ()
    """The in-service members counted in its :attr:`TerritoryFacts.in_service`, by id."""


@runtime_checkable
class GraphStore(Protocol):
    """A graph of nodes and edges from :mod:`graph.model`, with the invariants kept on every write.

    ``write`` is all or nothing: a batch that breaks a rule raises
    :class:`~graph.errors.InvariantViolation` naming every node and rule at fault, and
    leaves the store as it was. Writing a node or edge that exists updates it in place;
    writing one equal to what is stored (provenance aside) leaves it, provenance included,
    as it was, so that importing the same file twice changes nothing.

    A write given ``record`` (:data:`RecordOf`) commits its audit entry with it, in the same
    journal frame or transaction: after any crash both are in the store or neither is. Once a
    write has committed, the store raises nothing about it (a failure to tidy up afterwards is
    logged), since the caller must never be told that a write which happened did not.
    """

    def write(self, batch: Batch, *, record: RecordOf | None = None, effective: date | None = None) -> WriteSummary:
        """One batch as one write, with its audit entry when ``record`` is given (even if it changes nothing).

        ``effective`` is the day the write takes effect, as the nodes' history keeps it (None: today,
        :func:`graph.history.effective_day`); a backdated change is placed in each node's log by its day.
        """
        ...

    def write_all(
        self, batches: Iterable[Batch], *, dry_run: bool = False, record: RecordOf | None = None, effective: date | None = None
    ) -> WriteSummary:
        """Several batches as one write, all or nothing: for imports too large to hold as one batch.

        Each batch is checked against the store with the batches before it written; a refused
        batch, or an error raised by the iterable itself, undoes them all. ``dry_run`` checks
        and counts everything, then undoes it: what an import would do, without doing it (and
        ``record`` is not called). ``record`` is called once, after the last batch, with the total.
        ``effective`` as for :meth:`write`.
        """
        ...

    def node_on(self, node_id: str, day: date) -> Node:
        """The node with its properties as they were on ``day`` (its change log undone back to then);
        as created for a day before its creation. :class:`~graph.errors.UnknownNode` if it does not exist
        now (a removed node is not brought back for a day before its removal)."""
        ...

    def history(self, node_id: str) -> list[PropertyChange]:
        """The node's change log, oldest first (:mod:`graph.history`); a removed node's ends with its
        tombstone. :class:`~graph.errors.UnknownNode` if the node neither exists nor has a log."""
        ...

    def history_between(self, after: date, until: date) -> Iterator[tuple[str, PropertyChange]]:
        """Every entry of every node's log that took effect after ``after`` and on or before ``until``,
        with its node's id, in no promised order: what changed between two days."""
        ...

    def last_property_change(self) -> date | None:
        """The latest day any node's fields changed (a change entry, not a creation or removal): the
        fast facts reads are exact for that day and every day after; None when nothing ever changed."""
        ...

    def node(self, node_id: str) -> Node:
        """The node with this id; :class:`~graph.errors.UnknownNode` if there is none."""
        ...

    def has_node(self, node_id: str) -> bool: ...

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Every node, or every node of one kind, in no promised order."""
        ...

    def edges(self, kind: EdgeKind | None = None) -> Iterator[Edge]:
        """Every edge, or every edge of one kind, in no promised order."""
        ...

    def edges_of(self, node_id: str, *, kind: EdgeKind | None = None, direction: Direction = Direction.OUT) -> list[Edge]:
        """The edges leaving (or entering) one node; :class:`~graph.errors.UnknownNode` if it does not exist."""
        ...

    def territory_facts(self, territory_id: str, *, day: date) -> list[TerritoryFacts]:
        """The territory and every territory under it on ``day`` (WITHIN edges valid on the day),
        each with its own :class:`TerritoryFacts`, parents before children, in no other promised order.

        One call for a whole scope, so that coverage never reads node by node. Stores may keep
        the answer until their next write. :class:`~graph.errors.UnknownNode` if there is no such
        node, :class:`~graph.errors.WrongKind` if it is not a territory.
        """
        ...

    def chain_facts(self, territory_id: str, *, day: date) -> list[ChainFacts]:
        """The same territories as :meth:`territory_facts`, each with its :class:`ChainFacts`, in no promised order.

        One call for a whole scope, so that the gap rules never read node by node. Stores may keep
        the answer until their next write; errors as for :meth:`territory_facts`.
        """
        ...

    def count(self, kind: NodeKind | None = None) -> int:
        """How many nodes, or nodes of one kind."""
        ...

    def count_edges(self, kind: EdgeKind | None = None) -> int: ...

    def clear(self) -> None:
        """Delete every node and edge. The import ledger stays: it is the audit log, and nothing truncates it
        (emptying the store is itself a write the caller enters in it, as ``generate --replace`` does)."""
        ...

    def record_import(self, record: ImportRecord) -> None:
        """Add an entry to the import ledger (台账导入记录) for something that wrote nothing (a refused
        or failed import); a write enters its own through ``record``."""
        ...

    def imports(self, limit: int = 100) -> list[ImportRecord]:
        """The latest entries of the import ledger, newest first."""
        ...

    def close(self) -> None:
        """Release what the store holds (files, connections); the store is unusable after."""
        ...
