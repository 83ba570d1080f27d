"""The application layer: every use case runs through a :class:`Context` (who asks, on which day, with which norms).

A context reads only what its principal may see (service.policy), answers for its day, masks
personal data for viewers, requires the role each use case needs, and names its principal in
the audit log for every write. The API's routes and the command line's commands are thin
adapters over it: they parse their input, call one method, and render the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.access import belonging_in, belonging_kinds, within
from graph.agreements import AgreementStatus, AgreementView, agreements
from graph.alliances import AllianceReach, alliance_reach
from graph.changes import Changes, Trends, changes, import_day, last_month_end, trends
from graph.committees import BigCommittee, StreetCommittee, UnitSeat, big_committee, street_committee, unit_committees
from graph.coverage import Coverage, coverage
from graph.errors import BadInterval, InvariantViolation, UnknownNode, Violation, WrongKind
from graph.gaps import GapCount, GapPage, GapRuleName, count_gaps, find_gaps
from graph.i18n import N_, _, current
from graph.meaning import Thesaurus, shipped_groups
from graph.model import AllianceKind, Batch, Edge, EdgeKind, Level, Node, NodeKind, Territory
from graph.navigation import SEARCHABLE, AllianceMembership, Partner, SearchPage, alliances, below, chain_up, partners, search
from graph.node_history import NodeHistory, node_history
from graph.norms import NORMS, Norms
from graph.people import PeopleCounts, people_counts
from graph.scope import PATH_SEPARATOR, NodeRef, display_name, on_date
from graph.store import Direction, GraphStore, ImportRecord, WriteSummary
from graph.suggestions import Suggestions, community_suggestions, unit_suggestions
from loaders.exporter import ExportSummary, export
from loaders.importer import ImportReport, import_file, import_rows, log_write, remove_record
from service.answers import Answers, Kept
from service.keys import ApiKey, KeyRing
from service.policy import Policy, mask_phone
from service.principal import AccessRole, Principal
from service.synonyms import SynonymBook, checked_groups

if TYPE_CHECKING:
    from visualizations.map import MapData
    from visualizations.report import ReportData

__all__ = ["Chain", "Context", "EdgePage", "Forbidden"]


ROLE_NAMES = {AccessRole.VIEWER: N_("查看者"), AccessRole.EDITOR: N_("编辑者"), AccessRole.ADMIN: N_("管理员")}
"""What a refusal calls each role, translated where shown."""


class Forbidden(Exception):
    """The principal's role (or scope) does not allow this use case; the message says what would."""


@dataclass(frozen=True)
class EdgePage:
    """A page of one node's edges, with how many there are in all."""

    items: list[Edge]
    total: int


@dataclass(frozen=True)
class Chain:
    """A node and the nodes above it that the principal may name, nearest first, and the path they read as."""

    node: NodeRef
    above: list[NodeRef]
    path: str


@dataclass
class Context:
    """One use case's view of the graph: ``principal`` asking about ``day`` under ``norms``.

    Every id a method is given must lie within the principal's territory (else :class:`UnknownNode`,
    exactly as for an id that does not exist); every answer passes the policy before it leaves.
    Writes take effect on ``day`` in each record's history (today unless the request named a day).
    """

    store: GraphStore
    principal: Principal
    keys: KeyRing | None = None
    synonyms: SynonymBook | None = None
    day: date = field(default_factory=lambda: on_date(None))
    norms: Norms = NORMS
    answers: Answers | None = None
    policy: Policy = field(init=False)

    def __post_init__(self) -> None:
        self.policy = Policy(self.store, self.principal)

    def on(self, as_of: date | None = None, *, norms: Norms | None = None) -> Context:
        """The same principal asking about another day (today when None), or under other norms."""
        return replace(self, day=on_date(as_of), norms=norms or self.norms)

    # -- the checks every use case makes ------------------------------------------------------

    def require(self, role: AccessRole, *, unscoped: bool = False) -> None:
        """:class:`Forbidden` unless the principal's role reaches ``role`` (and, with ``unscoped``, spans the whole graph)."""
        mine = self.principal.role
        if mine.rank < role.rank:
            raise Forbidden(_("这是%(mine)s的密钥；这项操作需要%(role)s的密钥", mine=_(ROLE_NAMES[mine]), role=_(ROLE_NAMES[role])))
        if unscoped and self.principal.scope is not None:
            raise Forbidden(_("这项操作涉及全图，只限不限辖区的密钥；这个密钥限于 %(scope)s", scope=self.principal.scope))

    def inside(self, node_id: str) -> str:
        """The id, once it is known to lie within the principal's territory; :class:`UnknownNode` otherwise."""
        self.policy.require(node_id)
        return node_id

    def kept(self, question: str, render: Callable[[], bytes]) -> Kept:
        """The answer to ``question`` (a read's route and query) as ``render`` gives it, kept per store version.

        Kept under everything it depends on: the question, the store's version, the principal's
        territory and role (a viewer's answer is masked, an editor's is not: they never share one),
        the language, the day and the norms. ``render`` must read through this context's use cases,
        which hold ids to the territory and redact, so a kept answer is one this principal may see.
        """
        if self.answers is None:
            return Kept.of(render())
        return self.answers.answer(self._answer_key(question), version=self.store.version, compute=render)

    def kept_now(self, question: str) -> Kept | None:
        """The answer :meth:`kept` holds for ``question`` at the store's version now, or None; nothing is computed,
        nothing read but the version (no lock): what the API sends before routing, even while an import runs."""
        if self.answers is None:
            return None
        return self.answers.get(self._answer_key(question), version=self.store.version())

    def _answer_key(self, question: str) -> tuple[Any, ...]:
        norms = None if self.norms == NORMS else self.norms.model_dump_json()
        return (question, self.principal.scope, self.principal.role, current(), self.day, norms)

    # -- nodes and navigation -----------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        """One node of any kind as it was on the day (its properties from its history), with its provenance,
        masked by the policy (extra columns and phones for viewers)."""
        return self.policy.mask(self.store.node_on(self.inside(node_id), self.day))

    def history(self, node_id: str) -> NodeHistory:
        """A node's property history (属性变更记录), masked as the node is: for viewers, phones masked in old and
        new values alike and no extra columns; a seat's or post's person withheld where the node withholds it."""
        found = node_history(self.store, self.inside(node_id))
        withheld = found.exists and found.kind in (NodeKind.SEAT, NodeKind.POST) and self.policy.withholds_person(node_id)
        personal = self.principal.sees_personal_data
        lines = []
        for line in found.changes:
            if line.field == "person" and withheld:
                line = line.model_copy(update={"old": None, "new": None})
            elif line.field == "phone" and not personal:
                line = line.model_copy(update={"old": mask_phone(line.old), "new": mask_phone(line.new)})
            elif line.field == "properties" and not personal:
                continue
            lines.append(line)
        return self.policy.redact(found.model_copy(update={"changes": lines}))

    def edges(self, node_id: str, *, direction: Direction, kind: EdgeKind | None, limit: int, offset: int) -> EdgePage:
        """A page of a node's edges, those whose other end the principal may name, in a stable order."""
        found = [e for e in self.store.edges_of(self.inside(node_id), kind=kind, direction=direction) if self.policy.edge_shown(e, node_id)]
        found.sort(key=lambda e: (e.kind, e.source, e.target))
        return EdgePage(items=[self.policy.mask_edge(e) for e in found[offset : offset + limit]], total=len(found))

    def stats(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many nodes and edges of each kind the whole graph holds (for principals without a scope)."""
        if self.principal.scope is not None:
            raise Forbidden(_("全图计数只限不限辖区的密钥；请看 /scopes/%(scope)s/coverage", scope=self.principal.scope))
        return {k.value: self.store.count(k) for k in NodeKind}, {k.value: self.store.count_edges(k) for k in EdgeKind}

    def home(self) -> str | None:
        """The scope a principal starts from: their own territory, or the district."""
        if self.principal.scope is not None:
            return self.principal.scope
        return next((t.id for t in self.store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.DISTRICT), None)

    def chain(self, node_id: str) -> Chain:
        """A node and its chain up to the district, as far as the principal may name it."""
        node = self.policy.mask(self.store.node(self.inside(node_id)))  # a seat reads by its person only where it may
        above = [n for n in chain_up(self.store, node_id, as_of=self.day) if self.policy.may_name(n.id)]
        path = PATH_SEPARATOR.join(display_name(n) for n in [*reversed(above), node])
        return Chain(node=NodeRef.of(node), above=[NodeRef.of(n) for n in above], path=path)

    def children(self, node_id: str) -> list[NodeRef]:
        """Territories within a territory, or organisations reporting to an organisation."""
        return self.policy.redact([NodeRef.of(n) for n in below(self.store, self.inside(node_id), as_of=self.day)])

    def partners(self, node_id: str) -> list[Partner]:
        """Co-building partners of a territory, organisation or unit; far ends as bare references."""
        return self.policy.redact(partners(self.store, self.inside(node_id), as_of=self.day))

    def alliances(self, node_id: str) -> list[AllianceMembership]:
        """Alliances a node belongs to, directly or through its organisation."""
        return self.policy.redact(alliances(self.store, self.inside(node_id), as_of=self.day))

    def search(self, text: str, *, kinds: Collection[NodeKind] | None, limit: int, offset: int) -> SearchPage:
        """Nodes whose name contains the text, within the principal's territory."""
        scope = self.principal.scope
        if scope is None:
            return search(self.store, text, kinds=kinds, limit=limit, offset=offset)
        # Only what belongs to the territory is read, however large the graph, and none of it is cut off.
        searched = frozenset(kinds or SEARCHABLE)
        found = belonging_kinds(self.store, scope) if self.store.has_node(scope) else {}
        # A seat whose person is withheld matches that person's name: finding it would tell the name.
        mine = {
            node_id
            for node_id, kind in found.items()
            if kind in searched and not (kind is NodeKind.SEAT and self.policy.withholds_person(node_id))
        }
        return search(self.store, text, kinds=kinds, limit=limit, offset=offset, among=mine)

    # -- the questions staff come with --------------------------------------------------------

    def coverage(self, scope_id: str) -> Coverage:
        return self.policy.redact(coverage(self.store, self.inside(scope_id), as_of=self.day, norms=self.norms))

    def gaps(self, scope_id: str, *, rules: Collection[GapRuleName | str] | None, limit: int, offset: int) -> GapPage:
        found = find_gaps(self.store, self.inside(scope_id), rules=rules, settings=self.norms, as_of=self.day, limit=limit, offset=offset)
        return self.policy.redact(found)

    def gap_count(self, scope_id: str, *, rules: Collection[GapRuleName | str] | None) -> GapCount:
        return self.policy.redact(count_gaps(self.store, self.inside(scope_id), rules=rules, settings=self.norms, as_of=self.day))

    def people(self, scope_id: str) -> PeopleCounts:
        """一人多职: concurrent committee members, 一肩挑, 交叉任职 and service teams of a scope."""
        return self.policy.redact(people_counts(self.store, self.inside(scope_id), as_of=self.day))

    def big_committee(self, community_id: str) -> BigCommittee:
        return self.policy.redact(big_committee(self.store, self.inside(community_id), as_of=self.day))

    def street_committee(self, street_id: str) -> StreetCommittee:
        return self.policy.redact(street_committee(self.store, self.inside(street_id), as_of=self.day))

    def unit_committees(self, unit_id: str) -> list[UnitSeat]:
        return self.policy.redact(unit_committees(self.store, self.inside(unit_id), as_of=self.day))

    def agreements(self, scope_id: str, *, status: AgreementStatus | None, expiring_within_days: int) -> list[AgreementView]:
        found = agreements(self.store, self.inside(scope_id), status=status, as_of=self.day, expiring_within_days=expiring_within_days)
        return self.policy.redact(found)

    def alliance_reach(self, scope_id: str, *, kind: AllianceKind | None) -> list[AllianceReach]:
        """How far each alliance with a member in the scope reaches there (党建联盟 / 党建共同体); members beyond are bare references."""
        return self.policy.redact(alliance_reach(self.store, self.inside(scope_id), as_of=self.day, kind=kind))

    def changes(self, scope_id: str, *, since: date | None, since_import: str | None = None) -> Changes:
        """变化情况: what changed in a scope from ``since`` (or the day before an import took effect) to the context's day."""
        scope = self.inside(scope_id)
        if since is None and since_import is not None:
            since = self._import_day(since_import) - timedelta(days=1)
        if since is None:
            raise BadInterval(_("请给出起始日期（since）或一次导入（since_import）"))
        return self.policy.redact(changes(self.store, scope, since=since, until=self.day, norms=self.norms))

    def trends(self, scope_id: str, *, since: date | None) -> Trends:
        """趋势: each coverage figure of a scope at every month end up to the context's day (twelve months by default)."""
        return self.policy.redact(trends(self.store, self.inside(scope_id), since=since, until=self.day, norms=self.norms))

    def _import_day(self, import_id: str) -> date:
        """The day an import took effect, for an import the principal may know of (one touching its territory)."""
        scope = self.principal.scope
        if scope is not None and not any(r.id == import_id and self._touches(r, scope) for r in self.store.imports(limit=1_000_000)):
            raise UnknownNode(import_id)
        return import_day(self.store, import_id)

    # -- partner suggestions (双向点单) ----------------------------------------------------------

    def _matching(self) -> tuple[Thesaurus, Callable[[str], bool] | None]:
        """The synonym list to match with, and which agreements' lists this principal may read (its own territory's)."""
        book = self.synonyms or SynonymBook(None)
        return book.thesaurus(), (self.policy.sees if self.policy.scoped else None)

    def community_suggestions(self, community_id: str) -> Suggestions:
        """The units in reach that could meet a community's needs (双向点单), its street's first; each match explained.

        A unit of another street stands as a bare reference with what its own 资源清单 offers; its agreements
        with other territories' communities are not read for a key held to a territory (service/policy.py)."""
        thesaurus, may_read = self._matching()
        found = community_suggestions(self.store, self.inside(community_id), as_of=self.day, thesaurus=thesaurus, may_read=may_read)
        return self._counted(self.policy.redact(found))

    def unit_suggestions(self, unit_id: str) -> Suggestions:
        """The communities in reach whose needs a unit could meet (双向点单); those outside the key's territory are left out."""
        thesaurus, may_read = self._matching()
        found = unit_suggestions(self.store, self.inside(unit_id), as_of=self.day, thesaurus=thesaurus, may_read=may_read)
        return self._counted(self.policy.redact(found))

    @staticmethod
    def _counted(found: Suggestions) -> Suggestions:
        """``total`` as the principal sees it: redaction may have left partners out."""
        return found.model_copy(update={"total": len(found.units) + len(found.communities)})

    def synonym_groups(self) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
        """The synonym list (近义词表): the groups shipped with the package, and staff's own."""
        return shipped_groups(), (self.synonyms or SynonymBook(None)).staff()

    def set_synonyms(self, groups: list[list[str]]) -> list[tuple[str, ...]]:
        """Replace staff's synonym groups whole (editors whose key spans the whole graph: every street matches with the list);
        the change is entered in the ledger, the audit log, under the actor."""
        self.require(AccessRole.EDITOR, unscoped=True)
        if self.synonyms is None:
            raise Forbidden(_("没有数据目录，近义词表无处保存"))
        kept = checked_groups(groups)
        before = len(self.synonyms.staff())
        self.synonyms.save(kept)
        what = f"synonyms: {before} -> {len(kept)} groups"
        log_write(self.store, what, [], actor=self.actor, scope=self.principal.scope)
        return kept

    # -- pages --------------------------------------------------------------------------------

    def map_data(self, scope_id: str, *, max_nodes: int) -> MapData:
        """What the network map of a scope draws on the day."""
        from visualizations.map import map_data

        withheld = self.policy.withholds_person if self.principal.scope is not None else None
        return map_data(self.store, self.inside(scope_id), as_of=self.day, max_nodes=max_nodes, withholds_person=withheld)

    def map_page(self, scope_id: str, *, max_nodes: int) -> str:
        """The network map of a scope as one self-contained page."""
        from visualizations.map import render_map

        return render_map(self.map_data(scope_id, max_nodes=max_nodes))

    def dashboard_page(self, scope_id: str, *, standalone: bool = False) -> str:
        """The coverage dashboard of a scope; ``standalone`` links to no service (a file to hand in)."""
        from visualizations.dashboard import dashboard
        from visualizations.map import Links

        links = Links(map=None, dashboard=None, gaps=None) if standalone else None
        scope = self.inside(scope_id)
        changed = self.changes(scope, since=last_month_end(self.day))
        trend = self.trends(scope, since=None)
        return dashboard(self.store, scope, as_of=self.day, links=links, changed=changed, trend=trend)

    # -- ledgers: import and export -----------------------------------------------------------

    def import_file(
        self, path: Path, *, dry_run: bool = False, replace: str | None = None, name: str | None = None, progress: Any = None
    ) -> ImportReport:
        """Import a ledger, all or nothing, held to the principal's territory and recorded in the audit log under their name."""
        self.require(AccessRole.EDITOR)
        if replace is not None:
            self.inside(replace)
        return import_file(
            self.store,
            path,
            dry_run=dry_run,
            replace=replace,
            name=name,
            progress=progress,
            actor=self.actor,
            scope=self.principal.scope,
            effective=self.day,
        )

    def write_row(self, table: str, row: dict[str, Any], *, name: str) -> ImportReport:
        """One record written as a one-row table: the same checks and rules as a ledger, and one audit entry.

        A record outside the territory is unknown (404); one the territory does not hold whole (shared
        with another) is refused by the importer's scope guard as a ledger row changing it would be,
        unless the row leaves it as it is (see service.policy).
        """
        self.require(AccessRole.EDITOR)
        record_id = str(row["id"])
        if self.store.has_node(record_id):
            self.inside(record_id)
        return import_rows(self.store, table, [row], name=name, actor=self.actor, scope=self.principal.scope, effective=self.day)

    def remove(self, node_id: str, *, kind: NodeKind, name: str, check: Callable[[Node], None] | None = None) -> ImportRecord:
        """Delete one record (agreement, household head, seat) with its links, recorded in the audit log."""
        self.require(AccessRole.EDITOR)
        node = self.store.node(self.inside(node_id))
        if check is not None and node.kind is kind:
            check(node)
        if node.kind is kind and not self.policy.holds(node_id):
            raise InvariantViolation([Violation(rule="held_whole", node_id=node_id, message=_shared(node_id, self.principal.scope))])
        return remove_record(self.store, node_id, kind, name=name, actor=self.actor, scope=self.principal.scope, effective=self.day)

    def write_generated(self, batches: Collection[Batch] | Any, *, what: str, replace: bool) -> WriteSummary:
        """Write a generated network (the demo, a benchmark's city) as one write, with its entry in the audit log."""
        self.require(AccessRole.ADMIN, unscoped=True)
        if replace:
            self.store.clear()  # entered in the audit log at once: a generation that fails after it leaves an empty store on record
            log_write(self.store, f"{what} --replace: the store emptied first", [], actor=self.actor, scope=self.principal.scope)
        elif self.store.count(NodeKind.TERRITORY):
            raise ValueError(_("库中已有网络；加 --replace 先清空"))
        return log_write(self.store, what, batches, actor=self.actor, scope=self.principal.scope, effective=self.day).summary

    def export(self, path: Path, *, scope_id: str | None, fmt: str) -> ExportSummary:
        """The graph, or one scope of it, as a file: held to the principal's territory, every record masked by the policy."""
        scope_id = scope_id or self.principal.scope
        if scope_id is not None:
            self.inside(scope_id)
        mask = None if self.principal.sees_personal_data and self.principal.scope is None else self.policy.mask
        keep = None
        if self.principal.scope is not None and scope_id is not None:
            # What belongs to the scope lies in the principal's territory: only the far ends the file
            # names are asked of the policy one by one.
            keep = functools.partial(_in_or_seen, belonging_in(self.store, scope_id), self.policy)
        return export(self.store, path, scope=scope_id, fmt=fmt, ancestors=self.principal.scope is None, mask=mask, keep=keep)

    # -- the audit log and keys (admins without a scope) --------------------------------------

    def imports(self, limit: int) -> list[ImportRecord]:
        """Past imports and writes, newest first."""
        self.require(AccessRole.ADMIN, unscoped=True)
        return self.store.imports(limit)

    def audit(self, *, scope_id: str | None, since: date | None, until: date | None, limit: int) -> list[ImportRecord]:
        """Every write, newest first, those touching a territory (or held to it) when one is named."""
        self.require(AccessRole.ADMIN, unscoped=True)
        if scope_id is not None and not self.store.has_node(scope_id):
            raise UnknownNode(scope_id)
        found: list[ImportRecord] = []
        for record in self.store.imports(limit=100_000):
            at = record.started_at.astimezone().replace(tzinfo=None)  # days are the service's local days, as staff count them
            if since and at < datetime.combine(since, time.min):
                continue
            if until and at > datetime.combine(until, time.max):
                continue
            if scope_id is not None and not self._touches(record, scope_id):
                continue
            found.append(record)
            if len(found) == limit:
                break
        return found

    def list_keys(self) -> list[ApiKey]:
        self.require(AccessRole.ADMIN, unscoped=True)
        return self._ring().listed()

    def create_key(self, *, role: AccessRole, scope: str | None, name: str) -> tuple[ApiKey, str]:
        """A new key and its token, shown once; a scope must be a territory, and an admin key has none."""
        self.require(AccessRole.ADMIN, unscoped=True)
        if scope is not None and not isinstance(self.store.node(scope), Territory):
            raise WrongKind(_("密钥的辖区应是一个地域（区、街道、社区……）；%(scope)s 不是", scope=scope))
        return self._ring().create(role=role, scope=scope, name=name)

    def revoke_key(self, key_id: str) -> bool:
        self.require(AccessRole.ADMIN, unscoped=True)
        if key_id == self.principal.key_id:
            raise ValueError(_("密钥不能吊销自己：请用另一个管理员密钥，或 `grassroots keys revoke`"))
        return self._ring().revoke(key_id)

    # -- helpers ------------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """Who the audit log names for a write: decided here, once, for every write."""
        return self.principal.audit_name

    def _ring(self) -> KeyRing:
        if self.keys is None:
            raise ValueError("this context was made without a key ring")
        return self.keys

    def _touches(self, record: ImportRecord, scope_id: str) -> bool:
        held = [r for r in (record.scope, record.replaced) if r is not None]
        return any(within(self.store, node_id, scope_id) for node_id in [*held, *record.territories, *record.touched])

    # -- pages staff work from, and the report they hand in -----------------------------------

    def gap_page(self, scope_id: str, *, rule: GapRuleName | None, limit: int, offset: int) -> str:
        """One page of a scope's gap list (one rule's, or every rule's), with each rule's count for the filter."""
        from graph.gaps import gap_rules
        from visualizations.gap_page import render_gap_page

        page = self.gaps(scope_id, rules=[rule] if rule is not None else None, limit=limit, offset=offset)
        counts = self.gap_count(scope_id, rules=None)
        return render_gap_page(page, counts, rules=gap_rules(), rule=rule.value if rule is not None else None)

    def suggestions_page(self, node_id: str) -> str:
        """The partner suggestions of a community or a unit as a page (双向点单), each match explained."""
        from visualizations.suggestions_page import render_suggestions_page

        is_unit = self.node(node_id).kind is NodeKind.UNIT
        return render_suggestions_page(self.unit_suggestions(node_id) if is_unit else self.community_suggestions(node_id))

    def report_data(self, scope_id: str) -> ReportData:
        """What a scope's report shows: coverage per child, the staff each community needs, gaps, agreements."""
        from graph.gaps import gap_rules
        from visualizations.dashboard import communities_of
        from visualizations.report import ReportData

        cov = self.coverage(scope_id)
        counts = self.gap_count(scope_id, rules=None)
        return ReportData(
            coverage=cov,
            communities={k: self.policy.redact(v) for k, v in communities_of(self.store, cov, norms=self.norms).items()},
            gap_count=counts,
            gaps=self.gaps(scope_id, rules=None, limit=max(1, counts.total), offset=0).items,
            rules=gap_rules(),
            agreements=self.agreements(scope_id, status=None, expiring_within_days=self.norms.expiring_within_days),
            changes=self.changes(scope_id, since=last_month_end(self.day)),
        )

    def report(self, scope_id: str, *, fmt: str) -> bytes:
        """A scope's report to hand upward: ``xlsx`` (a workbook set up to print) or ``html`` (the standalone dashboard)."""
        if fmt == "html":
            return self.dashboard_page(scope_id, standalone=True).encode("utf-8")
        if fmt != "xlsx":
            raise ValueError(_("报表格式为 xlsx 或 html，而不是 %(format)r", format=fmt))
        from visualizations.report import render_report

        return render_report(self.report_data(scope_id))


def _in_or_seen(mine: set[str], policy: Policy, node_id: str) -> bool:
    return node_id in mine or policy.sees(node_id) or policy.heads_a_line(node_id)


def _shared(node_id: str, scope: str | None) -> str:
    return _(
        "共享记录：%(record)s 与 %(scope)s 以外的辖区相关；只有辖区包含所有这些辖区的密钥或不限辖区的密钥才能删除它",
        record=node_id,
        scope=scope,
    )
