"""A district whose partner suggestions (双向点单) are known by construction: planted matches and planted near-misses.

District d has streets s1 (communities c1, c2) and s2 (community c3); district d9 lies beyond
reach (street s9, community c9). Community c1 needs 为老服务, 青少年心理辅导 and 文艺演出服务 (its
own list) and 四点半课堂 (an expired agreement's). Planted:

- matches for c1: u-syn (street s1: 居家养老 meets 为老服务 through a synonym only), u-seg (street s2:
  心理辅导讲座 meets 青少年心理辅导 through segmented words, and 居家养老 meets 为老服务), u-exp
  (street s2: its expired agreement with c1 lists 课后托管, which meets 四点半课堂 through a synonym);
- near-misses for c1: u-agr (日间照料 would meet 为老服务, but an agreement with c1 is in force),
  u-far (助老, but in another district), u-stop (理发服务 shares only the stop word 服务 with
  文艺演出服务), u-other (义诊: a synonym of another group, 医疗, not 养老服务), u-staff (银发关爱:
  a synonym only in staff's own list, see :data:`STAFF_GROUP`).
"""

from __future__ import annotations

from datetime import date, datetime

from graph.model import (
    Agreement,
    Batch,
    Covers,
    Level,
    LocatedIn,
    Organisation,
    OrgForm,
    Provenance,
    SignedBy,
    Territory,
    Unit,
    UnitType,
    Within,
)

__all__ = ["AS_OF", "C1_MATCHES", "C1_NEAR_MISSES", "STAFF_GROUP", "partners_network"]

AS_OF = date(2026, 6, 1)
PROV = Provenance(source="partners-network", recorded_at=datetime(2026, 6, 1, 9, 0))
C1_MATCHES = {"u-syn": {"为老服务"}, "u-seg": {"为老服务", "青少年心理辅导"}, "u-exp": {"四点半课堂"}}
"""Each unit suggested to c1, with the needs of c1 it meets."""
C1_NEAR_MISSES = {"u-agr", "u-far", "u-stop", "u-other", "u-staff"}
STAFF_GROUP = ["助老", "银发关爱"]
"""A group staff add: with it, u-staff (银发关爱) meets c2's need 助老."""


def _territory(tid: str, level: Level, parent: str | None, *, needs: tuple[str, ...] = ()) -> tuple[list[object], list[object]]:
    nodes: list[object] = [Territory(id=tid, name=f"{tid}名", level=level, needs=needs, provenance=PROV)]
    nodes.append(Organisation(id=f"o-{tid}", name=f"{tid}党组织", level=level, form=OrgForm.COMMITTEE, provenance=PROV))
    edges: list[object] = [Covers(source=f"o-{tid}", target=tid, provenance=PROV)]
    if parent:
        edges.append(Within(source=tid, target=parent, provenance=PROV))
    return nodes, edges


def partners_network() -> list[Batch]:
    """The district as batches to write in order."""
    nodes: list[object] = []
    edges: list[object] = []
    for tid, level, parent, needs in [
        ("d", Level.DISTRICT, None, ()),
        ("s1", Level.STREET, "d", ()),
        ("s2", Level.STREET, "d", ()),
        ("c1", Level.COMMUNITY, "s1", ("为老服务", "青少年心理辅导", "文艺演出服务")),
        ("c2", Level.COMMUNITY, "s1", ("助老",)),
        ("c3", Level.COMMUNITY, "s2", ("养老服务",)),
        ("d9", Level.DISTRICT, None, ()),
        ("s9", Level.STREET, "d9", ()),
        ("c9", Level.COMMUNITY, "s9", ()),
    ]:
        n, e = _territory(tid, level, parent, needs=needs)
        nodes += n
        edges += e
    units = [  # id, community, type, resources, has an organisation
        ("u-syn", "c2", UnitType.SOCIAL_ORG, ("居家养老",), True),
        ("u-seg", "c3", UnitType.SCHOOL, ("心理辅导讲座", "居家养老"), True),
        ("u-exp", "c3", UnitType.ENTERPRISE, (), False),
        ("u-agr", "c2", UnitType.SOCIAL_ORG, ("日间照料",), True),
        ("u-far", "c9", UnitType.SOCIAL_ORG, ("助老",), True),
        ("u-stop", "c1", UnitType.ENTERPRISE, ("理发服务",), False),
        ("u-other", "c1", UnitType.HOSPITAL, ("义诊",), True),
        ("u-staff", "c1", UnitType.SOCIAL_ORG, ("银发关爱",), False),
    ]
    for uid, community, unit_type, resources, has_org in units:
        nodes.append(Unit(id=uid, name=f"{uid}名", unit_type=unit_type, resources=resources, provenance=PROV))
        edges.append(LocatedIn(source=uid, target=community, provenance=PROV))
        if has_org:
            nodes.append(Organisation(id=f"o-{uid}", name=f"{uid}党支部", level=Level.UNIT, form=OrgForm.BRANCH, provenance=PROV))
            edges.append(Covers(source=f"o-{uid}", target=uid, provenance=PROV))
    nodes += [
        Agreement(id="ag-in-force", signed_on=date(2025, 1, 1), expires_on=date(2027, 12, 31), provenance=PROV),
        Agreement(
            id="ag-expired",
            signed_on=date(2023, 1, 1),
            expires_on=date(2024, 12, 31),
            needs=("四点半课堂",),
            resources=("课后托管",),
            provenance=PROV,
        ),
    ]
    edges += [
        SignedBy(source="ag-in-force", target="o-c1", provenance=PROV),
        SignedBy(source="ag-in-force", target="o-u-agr", provenance=PROV),
        SignedBy(source="ag-expired", target="o-c1", provenance=PROV),
        SignedBy(source="ag-expired", target="u-exp", provenance=PROV),
    ]
    return [Batch.model_validate({"nodes": nodes, "edges": edges})]
