"""Wiring in one place: the store, the key ring and the settings, built once for the API, the command line, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from graph.norms import NORMS, Norms
from graph.settings import Settings, open_store
from graph.store import GraphStore
from service.context import Context
from service.keys import KeyRing
from service.principal import Principal
from service.synonyms import SynonymBook

__all__ = ["Services", "bootstrap"]


@dataclass
class Services:
    """What every entry point needs: the settings, the one store, and the keys; close it when done."""

    settings: Settings
    store: GraphStore
    keys: KeyRing
    synonyms: SynonymBook | None = None

    def context(self, principal: Principal, *, as_of: date | None = None, norms: Norms = NORMS) -> Context:
        """The context a use case runs in, for ``principal`` on ``as_of`` (today when None)."""
        return Context(store=self.store, principal=principal, keys=self.keys, synonyms=self.synonyms, norms=norms).on(as_of)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def bootstrap(settings: Settings, *, read_only: bool = False, store_factory: Callable[[Settings], GraphStore] | None = None) -> Services:
    """Open the store the settings select and the keys beside it; the caller closes what it gets.

    ``read_only`` opens the store for reading beside the process that owns its data folder (the
    running server; opening it normally raised ``StoreBusy``): reads work, writes raise
    ``StoreReadOnly``. The keys file is not the store's and stays writable (it has its own lock).
    ``store_factory`` opens a store of the caller's instead (a test's); it cannot be read-only.
    """
    if store_factory is not None and read_only:
        raise ValueError("bootstrap: a store_factory opens its own store; read_only is for the store the settings select")
    store = store_factory(settings) if store_factory is not None else open_store(settings, read_only=read_only)
    return Services(settings=settings, store=store, keys=KeyRing(settings.keys_path), synonyms=SynonymBook(settings.synonyms_path))
