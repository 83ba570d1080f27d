"""The embedded store: networkx in process, persisted to a data folder (``MemoryStore``).

One module per concern, as a backend is split in getzep/graphiti's drivers:

- ``store``: ``MemoryStore``, the ``GraphStore`` surface and its locking;
- ``packing``: how nodes and edges are held, as packed tuples, and turned back into models;
- ``operations``: the four operations a write comes down to (``Op``), planned, applied, undone;
- ``journal``: the data folder: journal frames, snapshot, replay, the lock on the folder;
- ``ledger``: the import ledger (audit log) beside them;
- ``facts``: ``territory_facts`` and ``chain_facts`` read from the packed graph, and their cache.
"""

from graph.memory.journal import JOURNAL, SNAPSHOT
from graph.memory.ledger import LEDGER
from graph.memory.store import MemoryStore

__all__ = ["JOURNAL", "LEDGER", "SNAPSHOT", "MemoryStore"]
