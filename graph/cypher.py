"""Every Cypher statement the Neo4j store runs, in one place.

Values travel only as parameters. Labels and relationship types cannot be parameters, so
statements that need them are built from the fixed ``NodeKind`` / ``EdgeKind`` enums, never
from input. Everything here runs on Neo4j 5.3 and later.
"""

from __future__ import annotations

from graph.model import EdgeKind, NodeKind

__all__ = [
    "CHAIN_FACTS",
    "CLEAR_IMPORTS",
    "CLEAR_SOME",
    "CLEAR_SOME_HISTORY",
    "COUNT_EDGES",
    "COUNT_NODES",
    "DELETE_NODES",
    "EDGES_IN",
    "EDGES_OUT",
    "GET_LOGS",
    "GET_NODE",
    "GET_NODE_AND_LOG",
    "INCIDENT",
    "LABELS",
    "LAST_CHANGE",
    "LIST_IMPORTS",
    "LOGS_AFTER",
    "PREFETCH",
    "PUT_LOGS",
    "RECORD_IMPORT",
    "SCHEMA",
    "SUBTREE",
    "TERRITORY_FACTS",
    "all_edges",
    "all_nodes",
    "close_edges",
    "create_edges",
    "create_nodes",
    "delete_edges",
    "merge_edges",
    "update_nodes",
]

LABELS: dict[NodeKind, str] = {kind: kind.value.capitalize() for kind in NodeKind}
"""Each node carries the label ``Node`` (which holds the id constraint) and one of these."""

SCHEMA = (
    "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind)",
    "CREATE INDEX node_name IF NOT EXISTS FOR (n:Node) ON (n.name)",
    "CREATE INDEX territory_level IF NOT EXISTS FOR (n:Territory) ON (n.level)",
    "CREATE INDEX organisation_level IF NOT EXISTS FOR (n:Organisation) ON (n.level)",
    "CREATE INDEX import_at IF NOT EXISTS FOR (i:Import) ON (i.at)",
    "CREATE CONSTRAINT history_id IF NOT EXISTS FOR (h:History) REQUIRE h.id IS UNIQUE",
    "CREATE INDEX history_last IF NOT EXISTS FOR (h:History) ON (h.last)",
    "CREATE INDEX history_changed IF NOT EXISTS FOR (h:History) ON (h.changed)",
)

# -- property history (graph.history) -----------------------------------------------------------
# One ``History`` record per node that has a log, keyed by the node's id: its log as JSON, the day of
# its last entry (``last``) and of its last change of fields (``changed``). No ``Node`` label, so graph
# queries never see them; they outlive the node they follow (a removal leaves its tombstone there).

GET_LOGS = "UNWIND $ids AS id MATCH (h:History {id: id}) RETURN h.id AS id, h.log AS log"
PUT_LOGS = """
UNWIND $rows AS row
MERGE (h:History {id: row.id})
SET h.log = row.log, h.last = row.last, h.changed = row.changed
"""
GET_NODE_AND_LOG = """
MATCH (n:Node {id: $id})
OPTIONAL MATCH (h:History {id: $id})
RETURN properties(n) AS props, h.log AS log
"""
LOGS_AFTER = "MATCH (h:History) WHERE h.last > $after RETURN h.id AS id, h.log AS log"
LAST_CHANGE = "MATCH (h:History) WHERE h.changed IS NOT NULL RETURN h.changed AS day ORDER BY h.changed DESC LIMIT 1"
CLEAR_SOME_HISTORY = "MATCH (h:History) WITH h LIMIT $limit DELETE h RETURN count(*) AS n"

RECORD_IMPORT = "CREATE (i:Import {id: $id, at: $at, json: $json})"
"""The import ledger: ``Import`` nodes carry no ``Node`` label, so graph queries never see them."""
LIST_IMPORTS = "MATCH (i:Import) RETURN i.json AS json ORDER BY i.at DESC LIMIT $limit"

PREFETCH = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
OPTIONAL MATCH (n)-[r]->(m:Node)
WITH n, collect(CASE WHEN r IS NULL THEN null ELSE [type(r), m.id, properties(r)] END) AS out
OPTIONAL MATCH (c:Node)-[:COVERS]->(n)
RETURN n.id AS id, properties(n) AS props, out, collect(c.id) AS coverers
"""
"""What the invariants and the write plan need of the nodes a batch touches."""

INCIDENT = """
MATCH (n:Node {id: $id})-[r]-(m:Node)
RETURN startNode(r).id AS source, type(r) AS kind, endNode(r).id AS target
"""

GET_NODE = "MATCH (n:Node {id: $id}) RETURN properties(n) AS props"
COUNT_NODES = "MATCH (n:Node) WHERE $kind IS NULL OR n.kind = $kind RETURN count(n) AS n"
COUNT_EDGES = "MATCH (:Node)-[r]->(:Node) WHERE $kind IS NULL OR type(r) = $kind RETURN count(r) AS n"
DELETE_NODES = "UNWIND $ids AS id MATCH (n:Node {id: id}) DETACH DELETE n"
CLEAR_SOME = "MATCH (n:Node) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
CLEAR_IMPORTS = "MATCH (i:Import) DELETE i"

EDGES_OUT = """
MATCH (a:Node {id: $id})-[r]->(b:Node)
WHERE $kind IS NULL OR type(r) = $kind
RETURN a.id AS source, type(r) AS kind, b.id AS target, properties(r) AS props
"""
EDGES_IN = """
MATCH (a:Node)-[r]->(b:Node {id: $id})
WHERE $kind IS NULL OR type(r) = $kind
RETURN a.id AS source, type(r) AS kind, b.id AS target, properties(r) AS props
"""


def all_nodes(kind: NodeKind | None) -> str:
    label = LABELS[kind] if kind else "Node"
    return f"MATCH (n:{label}) RETURN properties(n) AS props"


def all_edges(kind: EdgeKind | None) -> str:
    pattern = f"[r:{EdgeKind(kind).value}]" if kind else "[r]"
    return f"MATCH (a:Node)-{pattern}->(b:Node) RETURN a.id AS source, type(r) AS kind, b.id AS target, properties(r) AS props"


def create_nodes(kind: NodeKind) -> str:
    return f"UNWIND $rows AS row CREATE (n:Node:{LABELS[kind]}) SET n = properties(row)"


def update_nodes(kind: NodeKind) -> str:
    """Replace the properties of existing nodes; matched on ``Node.id``, which the constraint indexes."""
    return f"UNWIND $rows AS row MATCH (n:Node:{LABELS[kind]} {{id: row.id}}) SET n = properties(row)"


def create_edges(kind: EdgeKind) -> str:
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.source}) MATCH (b:Node {id: row.target}) "
        f"CREATE (a)-[r:{EdgeKind(kind).value}]->(b) SET r = properties(row.props)"
    )


def merge_edges(kind: EdgeKind) -> str:
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.source}) MATCH (b:Node {id: row.target}) "
        f"MERGE (a)-[r:{EdgeKind(kind).value}]->(b) SET r = properties(row.props)"
    )


def delete_edges(kind: EdgeKind) -> str:
    return f"UNWIND $rows AS row MATCH (:Node {{id: row.source}})-[r:{EdgeKind(kind).value}]->(:Node {{id: row.target}}) DELETE r"


def close_edges(kind: EdgeKind) -> str:
    """End edges of a functional kind on a day: a newer one to another target starts the day after (dated structure)."""
    rel = EdgeKind(kind).value
    return f"UNWIND $rows AS row MATCH (:Node {{id: row.source}})-[r:{rel}]->(:Node {{id: row.target}}) SET r.valid_to = row.valid_to"


def _valid(rel: str) -> str:
    """An edge held on ``$day`` (both ends inclusive, None open), as :func:`graph.scope.valid_on` says."""
    return f"({rel}.valid_from IS NULL OR {rel}.valid_from <= $day) AND ({rel}.valid_to IS NULL OR $day <= {rel}.valid_to)"


_IN_FORCE = "a.signed_on <= $day AND (a.expires_on IS NULL OR $day <= a.expires_on)"

SUBTREE = f"""
MATCH (root:Node:Territory {{id: $id}})
MATCH path = (t:Territory)-[:WITHIN*0..]->(root)
WHERE all(w IN relationships(path) WHERE {_valid("w")})
WITH t, CASE length(path) WHEN 0 THEN null ELSE nodes(path)[1].id END AS parent, length(path) AS depth
"""
"""The territories under ``$id`` on ``$day``, each with its parent there and its depth below the root.

WITHIN is functional (one parent per territory), so each territory is reached by one path only,
and a variable-length match from the root is the whole subtree, the walk's answer exactly."""

_PARTY = "coalesce(m.party_member, true)"
"""A member node is a party member unless it says otherwise (群众联户长); nodes written before the field have none."""

_UNHELD = f"none(x IN [(m)-[mo2:MEMBER_OF]->() | mo2] WHERE {_valid('x')})"
"""The member bound to ``m`` has no membership held on ``$day``."""

_REPORTED = f"(m.category = 'in_service' AND size([(m)-[rep:REPORTED_TO]->() WHERE {_valid('rep')} | 1]) > 0)"
"""The in-service member bound to ``m`` reported somewhere (双报到) on ``$day`` (asked of in-service members only)."""

_REPORTING_IN_SERVICE = (
    f"size([(m:Member)-[rep:REPORTED_TO]->({{node}}) WHERE {_valid('rep')} AND {_PARTY} AND m.category = 'in_service' | 1])"
)

ROLL = f"""
WITH t, parent, depth, o, [(m:Member)-[s:SERVES]->(t) WHERE {_valid("s")} | m] AS serving,
     [(u:Unit)-[l:LOCATED_IN]->(t) WHERE {_valid("l")} | u] AS located
WITH t, parent, depth, o, serving, located,
     CASE WHEN o IS NULL OR any(x IN [(o)-[c2:COVERS]->(x:Territory) WHERE {_valid("c2")} | x.id] WHERE x < t.id) THEN [] ELSE
         [(m:Member)-[mo:MEMBER_OF]->(o) WHERE {_valid("mo")} AND {_PARTY} | [m, mo.valid_from, {_REPORTED}]] END
     + [m IN serving WHERE {_PARTY} AND {_UNHELD} | [m, null, {_REPORTED}]] AS chain_roll,
     reduce(acc = [], u IN located | acc + [(uo:Organisation)-[uc:COVERS]->(u) WHERE {_valid("uc")} |
         [(m:Member)-[mo:MEMBER_OF]->(uo) WHERE {_valid("mo")} AND {_PARTY} | [m, mo.valid_from, {_REPORTED}]]]) AS unit_rolls
WITH t, parent, depth, o, serving, located, chain_roll, reduce(acc = [], r IN unit_rolls | acc + r) AS unit_roll
"""
"""Binds, per territory: the people serving it, its units, and its roll (党员名册): the party members held by its
covering organisation (a joint organisation's at the first by id of the territories it covers; and those serving it
held nowhere on the day), and those held by its units' organisations,
each as [member, since, reported]."""

TERRITORY_FACTS = (
    SUBTREE
    + f"""
OPTIONAL MATCH (o:Organisation)-[c:COVERS]->(t) WHERE {_valid("c")}
WITH t, parent, depth, head(collect(o)) AS o
"""
    + ROLL
    + f"""
RETURN t.id AS id, t.name AS name, t.level AS level, parent, t.households AS households, t.staff AS staff,
       t.population AS population, o IS NOT NULL AS covered, coalesce(o.upgraded, false) AS upgraded,
       [m IN serving WHERE 'household_head' IN m.roles | [m.households, coalesce(m.party_member, true)]] AS heads,
       reduce(acc = [], m IN serving | acc + m.roles) AS roles,
       [r IN chain_roll | r[0].category] AS categories,
       [r IN unit_roll | r[0].category] AS unit_categories,
       [r IN chain_roll + unit_roll WHERE r[0].category = 'in_service' | r[2]] AS in_service,
       {_REPORTING_IN_SERVICE.format(node="t")}
       + reduce(n = 0, u IN [u IN located WHERE u.unit_type = 'industrial_park'] | n + {_REPORTING_IN_SERVICE.format(node="u")})
           AS reported_here,
       [u IN located | [
           u.unit_type,
           [(uo:Organisation)-[uc:COVERS]->(u) WHERE {_valid("uc")} |
               size([(a:Agreement)-[sb:SIGNED_BY]->(uo) WHERE {_valid("sb")} AND {_IN_FORCE} | 1]) > 0],
           size([(a:Agreement)-[sb:SIGNED_BY]->(u) WHERE {_valid("sb")} AND {_IN_FORCE} | 1]) > 0,
           u.eligible
       ]] AS units,
       [(sc:{LABELS[NodeKind.SERVICE_CENTRE]})-[cf:CENTRE_FOR]->(t) WHERE {_valid("cf")} | sc {{.id, .name, .centre_level,
           .service_share, .has_venue, .has_facilities, .has_sign, .has_flag, .has_reading, .has_rules}}] AS centres,
       coalesce(t.abandoned, false) AS abandoned,
       [(mu:Unit)-[mg:MANAGES]->(t) WHERE {_valid("mg")} | mu.unit_type] AS managers
ORDER BY depth
"""
)
""":meth:`GraphStore.territory_facts` in one statement: per territory, its coverer, the people serving it (household
heads, roles), its roll and its units' (categories; in-service members and whether each reported), the in-service
members who reported to it or to a park in it, and each unit with whether an organisation covers it and whether it
(or that organisation) is party to an agreement in force. Sums are left to Python."""


def _posts(body: str) -> str:
    """Every post on record in the body bound to ``body`` (a fixed name, never input), as :class:`graph.store.PostFacts` holds it."""
    return f"""[(p:Post)-[:POST_IN]->({body}) | p {{.id, .post, .person, .valid_from, .valid_to,
        holder: [(p)-[:HELD_BY]->(hm:Member) | hm.id]}}]"""


def _organisation(o: str) -> str:
    """A map of what :class:`graph.store.OrgFacts` holds of the organisation bound to ``o`` (a fixed name, never input)."""
    return f"""{o} {{.id, .name, .level, .form, .members, .upgraded,
        parent: [({o})-[rt:REPORTS_TO]->(up:Organisation) WHERE {_valid("rt")} | up {{.id, .name, .level}}],
        seats: size([(st:Seat)-[so:SEAT_ON]->({o})
                     WHERE {_valid("so")} AND {_valid("st")} | 1]),
        agreements: [(a:Agreement)-[:SIGNED_BY]->({o}) | a {{.id, .signed_on, .expires_on,
            on_day: [(a)-[sb:SIGNED_BY]->(p:Node) WHERE {_valid("sb")} | p.id],
            parties: [(a)-[:SIGNED_BY]->(p:Node) | p {{.id, .kind, .name, .person}}]}}],
        posts: {_posts(o)}}}"""


CHAIN_FACTS = (
    SUBTREE
    + f"""
OPTIONAL MATCH (o:Organisation)-[c:COVERS]->(t) WHERE {_valid("c")}
WITH t, parent, depth, head(collect(o)) AS o
"""
    + ROLL
    + f"""
RETURN t.id AS id,
       CASE WHEN o IS NULL THEN null ELSE {_organisation("o")} END AS organisation,
       [m IN serving WHERE 'household_head' IN m.roles | [m.id, m.name, m.households]] AS heads,
       [u IN located | [u.id, u.name, u.unit_type,
           [(uo:Organisation)-[uc:COVERS]->(u) WHERE {_valid("uc")} | {_organisation("uo")}], {_posts("u")},
           u.eligible, u.members]] AS units,
       [r IN chain_roll + unit_roll WHERE r[0].category = 'in_service' | [r[0].id, r[0].name, r[1], r[2]]] AS in_service
ORDER BY depth
"""
)
""":meth:`GraphStore.chain_facts` in one statement: per territory, its coverer, household heads and units with
their coverers, each organisation with its parent, seats in force and agreements on record. A seat's
own term is read with the same predicate as an edge's (``valid_from`` / ``valid_to``, both inclusive)."""
