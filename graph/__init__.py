"""The organisational network of party-building-led grassroots governance (党建引领基层治理) as a graph.

``graph.model`` holds the node and edge kinds, ``graph.store`` the one interface every
store offers, ``graph.memory`` and ``graph.neo4j_store`` its two implementations, and
``graph.generator`` a synthetic network with planted gaps.
"""
