"""Wiring: the store the app was started with, as a dependency routes declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.store import GraphStore

__all__ = ["StoreDep", "get_store"]


def get_store(request: Request) -> GraphStore:
    """The one store opened in the app's lifespan; tests swap it with ``app.dependency_overrides``."""
    store: GraphStore = request.app.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]
