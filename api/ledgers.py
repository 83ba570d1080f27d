"""Routes for ledgers (台账): upload an import, list past imports, download the template or an export."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.deps import AdminContext, EditorContext, ServicesDep, ViewerContext
from api.limits import RateLimited
from api.schemas import ErrorOut, odd_character
from graph.i18n import _
from graph.store import ImportRecord
from loaders.importer import ImportReport, Problem
from loaders.workbooks import write_template

__all__ = ["router"]

router = APIRouter(tags=["ledgers"])

_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "graphml": "application/xml",
    "gexf": "application/xml",
    "json": "application/json",
}
_UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".zip")
_NAME_BYTES = 255
"""The longest file name most file systems hold, in UTF-8 bytes: the upload is spilled to a file of that name."""


class ImportOut(BaseModel):
    record: ImportRecord
    dry_run: bool
    problems: list[Problem] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list, description="sheets or files that are not tables, left alone")


@router.post(
    "/imports",
    response_model=ImportOut,
    responses={413: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the file's bytes: an .xlsx workbook, one CSV file named after its table, or a .zip of CSV files",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload(
    request: Request,
    ctx: EditorContext,
    _rate: RateLimited,
    services: ServicesDep,
    filename: Annotated[str, Query(min_length=1, max_length=200, description="the file's name; its suffix says how to read it")],
    dry_run: Annotated[bool, Query(description="check and count, write nothing")] = False,
    replace: Annotated[str | None, Query(description="a territory id: delete what the file's tables hold there but the file lacks")] = None,
    as_of: Annotated[
        date | None, Query(description="the day its changes take effect in each record's history (a backdated import); default today")
    ] = None,
) -> ImportOut | JSONResponse:
    """Import a ledger, all or nothing, exactly as ``grassroots import`` does; a refused one answers 422 with every problem."""
    name = _upload_name(filename)
    if not name.lower().endswith(_UPLOAD_SUFFIXES):
        raise HTTPException(422, _("文件名 %(name)r：请发送 .xlsx 工作簿、以表名命名的 .csv，或 CSV 文件的 .zip", name=filename))
    limit = services.settings.max_upload_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="grassroots-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with open(path, "wb") as f:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPException(
                        413,
                        _("%(name)s 超过 %(mb)s MB（GRASSROOTS_MAX_UPLOAD_MB）：请按街道拆分", name=name, mb=limit // 1024 // 1024),
                    )
                f.write(chunk)
        report: ImportReport = await run_in_threadpool(ctx.on(as_of).import_file, path, dry_run=dry_run, replace=replace, name=name)
    if not report.ok:
        message = _(
            "%(name)s：%(problems)s 个问题；什么也没有写入。请在文件中改正后重新发送",
            name=name,
            problems=format(report.record.problems, ","),
        )
        body = ErrorOut.model_validate({"error": {"code": "import_refused", "message": message, "problems": report.problems}})
        return JSONResponse(body.model_dump(mode="json"), status_code=422)
    return ImportOut(record=report.record, dry_run=report.dry_run, problems=[], ignored=report.ignored)


@router.get("/imports", response_model=list[ImportRecord])
def imports(ctx: AdminContext, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[ImportRecord]:
    """Past imports, newest first: file, hash, when, outcome and what changed."""
    return ctx.imports(limit)


@router.get("/template", response_class=Response, responses={200: {"content": {_MEDIA["xlsx"]: {}}}})
def template(_ctx: ViewerContext) -> Response:
    """The empty workbook to fill in: every sheet, both header rows, and the documentation of each column."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grassroots-template.xlsx"
        write_template(path)
        return _download(path, "xlsx")


@router.get(
    "/export", response_class=Response, responses={200: {"content": {m: {} for m in set(_MEDIA.values())}}, 429: {"model": ErrorOut}}
)
def export_file(
    ctx: ViewerContext,
    _rate: RateLimited,
    scope: Annotated[str | None, Query(description="a territory id (default: the whole graph)")] = None,
    format: Annotated[str, Query(pattern="^(xlsx|zip|graphml|gexf|json)$", description="xlsx or zip: the import format")] = "xlsx",
) -> Response:
    """The graph, or one scope of it, as a ledger to import again or for Gephi and Popolo tools.

    A key held to a territory exports that territory (the default scope) without what lies above
    it; a viewer's export has phones masked.
    """
    scope = scope or ctx.principal.scope
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"grassroots-{scope or 'all'}.{format}"
        ctx.export(path, scope_id=scope, fmt=format)
        return _download(path, format)


def _upload_name(filename: str) -> str:
    """The name the upload is kept under while it is read; 422 for one no file system would hold."""
    odd = odd_character(filename)
    if odd is not None:
        raise HTTPException(422, _("文件名 %(name)r 含控制字符 %(odd)s：请去掉它后重新命名", name=filename, odd=odd))
    name = Path(filename).name
    if len(name.encode("utf-8")) > _NAME_BYTES:
        raise HTTPException(
            422, _("文件名 %(name)r…过长（UTF-8 超过 %(limit)s 字节）：请起一个短些的名字", name=name[:40], limit=_NAME_BYTES)
        )
    return name


def _download(path: Path, fmt: str) -> Response:
    return Response(path.read_bytes(), media_type=_MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{path.name}"'})
