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

__all__ = ["Services", "bootstrap"]


@dataclass
class Services:
    """What every entry point needs: the settings, the one store, and the keys; close it when done."""

    settings: Settings
    store: GraphStore
    keys: KeyRing

    def context(self, principal: Principal, *, as_of: date | None = None, norms: Norms = NORMS) -> Context:
        """The context a use case runs in, for ``principal`` on ``as_of`` (today when None)."""
        return Context(store=self.store, principal=principal, keys=self.keys, norms=norms).on(as_of)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def bootstrap(settings: Settings, *, store_factory: Callable[[Settings], GraphStore] = open_store) -> Services:
    """Open the store the settings select and the keys beside it; the caller closes what it gets."""
    return Services(settings=settings, store=store_factory(settings), keys=KeyRing(settings.keys_path))
