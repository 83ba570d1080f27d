"""Writes for the records staff keep current: co-building agreements, household heads, big-committee seats.

Each write goes through the importer as a one-row table, so it meets exactly the checks and
rules a ledger does, answers a refusal with the same problems, and enters the import ledger.
The request models use the graph model's text types: unsafe or overlong text is refused first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import EditorContext
from api.schemas import ErrorOut
from graph.errors import GraphError, WrongKind
from graph.i18n import _
from graph.model import ID_PATTERN, Items, Member, MemberCategory, MemberRole, Node, NodeKind, PersonName, PhoneText, ShortText
from graph.store import ImportRecord
from service.context import Context

EffectiveDay = Annotated[
    date | None, Query(description="the day the change takes effect in the record's history (YYYY-MM-DD); default today")
]

__all__ = ["router"]

router = APIRouter(tags=["records"])
RecordId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="the record's id")]
IdRef = ShortText
"""An id a body refers to: safe text here; its form and what it names are checked as a ledger cell's are."""
_REFUSED: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


class AgreementIn(BaseModel):
    """党建共建协议: a co-building agreement between a community and a resident unit."""

    community_id: IdRef = Field(description="the community; its party organisation signs")
    unit_id: IdRef = Field(description="the unit; its party organisation signs, or the unit itself if it has none")
    signed_on: date
    expires_on: date | None = None
    needs: Items = Field(default=(), description="需求清单")
    resources: Items = Field(default=(), description="资源清单")
    projects: Items = Field(default=(), description="项目清单")


class HouseholdHeadIn(BaseModel):
    """党员联户长: a party member keeping in touch with about ten households of a grid."""

    name: PersonName
    grid_id: IdRef
    category: MemberCategory
    households: int = Field(default=0, ge=0, le=10_000_000, description="households linked")
    phone: PhoneText | None = None
    roles: list[MemberRole] = Field(default_factory=list, description="further roles (grid_leader...)")


class SeatIn(BaseModel):
    """兼职委员: a seat on a community's big party committee (or a street's big working committee), held for a unit."""

    community_id: IdRef = Field(description="the community, or a street for its big working committee")
    unit_id: IdRef
    person: ShortText | None = None
    role: ShortText | None = Field(default=None, description="职务, such as 兼职委员")
    since: date | None = None
    until: date | None = None
    member_id: IdRef | None = Field(default=None, description="the holder, when on record as a party member")


class WrittenOut(BaseModel):
    record: ImportRecord = Field(description="the ledger entry of this write")
    node: Node | None = Field(description="the record as written; null when it could not be read back just after the write, which happened")


class RemovedOut(BaseModel):
    record: ImportRecord


def _items(values: Sequence[str]) -> str:
    return "；".join(values)


async def _write(ctx: Context, table: str, row: dict[str, Any], node_id: str, name: str) -> WrittenOut | JSONResponse:
    report = await run_in_threadpool(ctx.write_row, table, row, name=name)
    if not report.ok:
        message = _("%(name)s：被拒绝，什么也没有写入；%(problems)s", name=name, problems=_("；").join(str(p) for p in report.problems[:5]))
        body = ErrorOut.model_validate({"error": {"code": "refused", "message": message, "problems": report.problems}})
        return JSONResponse(body.model_dump(mode="json"), status_code=422)
    try:
        node = ctx.node(node_id)
    except GraphError:  # the write has committed: answering an error would tell the caller it did not
        node = None
    return WrittenOut(record=report.record, node=node)


@router.put("/agreements/{agreement_id}", response_model=WrittenOut, responses=_REFUSED)
async def put_agreement(
    agreement_id: RecordId, body: AgreementIn, ctx: EditorContext, as_of: EffectiveDay = None
) -> WrittenOut | JSONResponse:
    """Create or update a co-building agreement; its parties are re-linked to what the body names."""
    row = body.model_dump() | {"id": agreement_id} | {k: _items(getattr(body, k)) for k in ("needs", "resources", "projects")}
    return await _write(ctx.on(as_of), "agreements", row, agreement_id, f"PUT /agreements/{agreement_id}")


@router.put("/household-heads/{member_id}", response_model=WrittenOut, responses=_REFUSED)
async def put_household_head(
    member_id: RecordId, body: HouseholdHeadIn, ctx: EditorContext, as_of: EffectiveDay = None
) -> WrittenOut | JSONResponse:
    """Create or update a household head; moving them to another grid moves them to its group too."""
    row = body.model_dump() | {"id": member_id, "roles": _items([r.value for r in body.roles])}
    return await _write(ctx.on(as_of), "household_heads", row, member_id, f"PUT /household-heads/{member_id}")


@router.put("/seats/{seat_id}", response_model=WrittenOut, responses=_REFUSED)
async def put_seat(seat_id: RecordId, body: SeatIn, ctx: EditorContext, as_of: EffectiveDay = None) -> WrittenOut | JSONResponse:
    """Create or update a big-committee seat (兼职委员) held on behalf of a unit."""
    return await _write(ctx.on(as_of), "big_committee", body.model_dump() | {"id": seat_id}, seat_id, f"PUT /seats/{seat_id}")


def _is_household_head(node: Node) -> None:
    if not (isinstance(node, Member) and node.is_household_head):
        raise WrongKind(_("%(id)s 不是党员联户长；这个路径只删除党员联户长", id=node.id))


@router.delete("/agreements/{agreement_id}", response_model=RemovedOut, responses=_REFUSED)
def delete_agreement(agreement_id: RecordId, ctx: EditorContext) -> RemovedOut:
    """Delete an agreement (ended early, or entered by mistake) with its links to both parties."""
    return RemovedOut(record=ctx.remove(agreement_id, kind=NodeKind.AGREEMENT, name=f"DELETE /agreements/{agreement_id}"))


@router.delete("/household-heads/{member_id}", response_model=RemovedOut, responses=_REFUSED)
def delete_household_head(member_id: RecordId, ctx: EditorContext) -> RemovedOut:
    """Delete a household head; the households they linked count as unlinked from now on."""
    name = f"DELETE /household-heads/{member_id}"
    return RemovedOut(record=ctx.remove(member_id, kind=NodeKind.MEMBER, name=name, check=_is_household_head))


@router.delete("/seats/{seat_id}", response_model=RemovedOut, responses=_REFUSED)
def delete_seat(seat_id: RecordId, ctx: EditorContext) -> RemovedOut:
    """Delete a big-committee seat."""
    return RemovedOut(record=ctx.remove(seat_id, kind=NodeKind.SEAT, name=f"DELETE /seats/{seat_id}"))
