"""The shape of a table builder: how one table's checked rows become ids (pass 1), nodes (pass 2) and edges (pass 3)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from loaders.format import Row
from loaders.importer.rows import BuildingRow, DefiningRow

__all__ = ["TableBuilder"]

V = TypeVar("V")


class TableBuilder(ABC, Generic[V]):
    """The importer's knowledge of one table of :data:`loaders.format.TABLES`.

    ``V`` is the table's values: a named tuple with the fields of its row model, in which the
    spill keeps the row (a named tuple pickles several times faster than the pydantic row,
    and the spill is read twice).
    """

    table: ClassVar[str]
    """The table's name in :data:`loaders.format.TABLES`."""
    values: Callable[..., V]
    """The table's named tuple, made from the row model's fields by name."""

    def checked(self, row: Row) -> V:
        """A row checked by its row model, as the values the passes read by name."""
        return self.values(**row.__dict__)

    @abstractmethod
    def define(self, values: V, row: DefiningRow) -> None:
        """Pass 1: enter the ids this row defines in the index."""

    @abstractmethod
    def nodes(self, values: V, row: BuildingRow) -> None:
        """Pass 2: check the row's references and scope, and add its nodes."""

    @abstractmethod
    def edges(self, values: V, row: BuildingRow) -> None:
        """Pass 3, once every node is written: add the row's edges."""
