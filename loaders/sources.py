"""Reading the files staff keep: an ``.xlsx`` workbook, a folder (or ``.zip``) of CSV files, or one CSV file.

Every source yields, per table present, its header and its rows as plain cell values, one
row at a time, so that a file of a million rows is never held whole. The workbook is read
straight from its XML by expat handlers that build no tree: faster than openpyxl's read-only
mode, and the memory an import takes stays bounded whatever a hostile file holds (every
count, width and length below has a limit; past it the file is refused with a problem).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import math
import posixpath
import pyexpat
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import charset_normalizer

from graph.i18n import _
from loaders.format import SHEET_NAMES, TABLES, Table

# A workbook is untrusted input. Expat never fetches external entities, and 2.4.1 and later refuse
# entity amplification (billion laughs); on an older expat we would rather not read. A workbook
# holding a DTD at all is refused besides: Excel never writes one.
if pyexpat.version_info < (2, 4, 1):  # pragma: no cover - Python 3.11's own expat is 2.5
    raise ImportError(f"reading workbooks safely needs expat 2.4.1 or later, this Python has {pyexpat.EXPAT_VERSION}")

__all__ = [
    "EXTRA_COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_SHARED_CHARS",
    "MAX_SHARED_STRINGS",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "CellError",
    "Formula",
    "Sheet",
    "Source",
    "SourceError",
    "open_source",
]

MAX_UNPACKED = 2 * 1024**3
"""A workbook or zip that would unpack to more than this is refused (a zip bomb, or not a ledger)."""
MAX_RATIO = 200
"""Nor one that packs more than this many times tighter than a real spreadsheet does."""
MAX_SHEET_COLUMNS = 16_384
"""Columns of an Excel sheet (A to XFD): a cell past them is a problem."""
MAX_SHEET_ROWS = 1_048_576
"""Rows of an Excel sheet: a row numbered past them is a problem."""
EXTRA_COLUMNS = 50
"""Columns of its own a sheet or CSV file may have past its table's; cells further right are not kept (a filled one is a problem)."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell, Excel's own limit: a longer cell (or CSV field) is a problem."""
MAX_SHARED_STRINGS = 16_000_000
"""Distinct texts a workbook's shared-string table may hold (a million-household ledger has about four million)."""
MAX_SHARED_CHARS = 200_000_000
"""Characters those texts may hold together (a million-household ledger has about forty million)."""
MAX_SHEETS = 1_000
"""Sheets a workbook may list."""
MAX_STYLES = 64_000
"""Cell styles a workbook may define, Excel's own limit."""
MAX_PART = 16 * 1024**2
"""Bytes the workbook's small parts (its sheet list, their links, its styles) may unpack to."""

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP_TAG = "http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET_TAG, _WORKBOOK_PR_TAG, _SI_TAG, _T_TAG = f"{_NS}sheet", f"{_NS}workbookPr", f"{_NS}si", f"{_NS}t"
_ROW_TAG, _C_TAG, _V_TAG, _F_TAG = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}f"
_NUM_FMT_TAG, _CELL_XFS_TAG, _XF_TAG = f"{_NS}numFmt", f"{_NS}cellXfs", f"{_NS}xf"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_CHUNK = 1 << 16
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
"""What reading a damaged zip member raises: a bad CRC, a broken deflate stream, a cut-off member, an unknown packing."""


class SourceError(ValueError):
    """The file cannot be read as a ledger at all (not a workbook, damaged, wrong encoding...)."""


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: refused, since the import must read what staff typed, not a computation."""

    text: str

    def __str__(self) -> str:
        return f"={self.text}"


@dataclass(frozen=True)
class CellError:
    """A cell showing an Excel error such as ``#REF!``."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class Sheet:
    """One table of a source: where it came from, its header row and its rows (row number, cells)."""

    table: Table
    origin: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    header_row: int = 1
    """The header's row number as the sheet shows it (below a title row it is not 1): problems with the header name it."""


class Source:
    """The tables a file or folder holds, in import order; close it (or use ``with``) to release its files."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.sheets: list[Sheet] = []
        self.ignored: list[str] = []
        """Sheets or files that are not tables (a 说明 sheet, notes): left alone."""
        self._open: list[Any] = []

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        for resource in reversed(self._open):
            resource.close()
        self._open.clear()

    def keep(self, resource: Any) -> Any:
        """Close this with the source."""
        self._open.append(resource)
        return resource


def open_source(path: Path) -> Source:
    """Open a workbook, a CSV file, a folder or a zip of CSV files; :class:`SourceError` if it is none of these."""
    source = Source(path)
    try:
        _open_tables(source)
    except BaseException:
        source.close()
        raise
    return source


def _open_tables(source: Source) -> None:
    path = source.path
    if path.is_dir():
        _csv_folder(source)
    elif not path.exists():
        raise SourceError(_("%(path)s：没有这个文件或文件夹", path=path))
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(source)
    elif path.suffix.lower() == ".zip":
        _csv_zip(source)
    elif path.suffix.lower() in (".csv", ".txt"):
        table = _table_of(path.stem)
        if table is None:
            raise SourceError(_("%(name)s：CSV 文件要以它的表命名：%(tables)s 之一（.csv）", name=path.name, tables=", ".join(SHEET_NAMES)))
        source.sheets.append(_csv_sheet(source, table, path.name, lambda: path.open("rb")))
    elif path.suffix.lower() == ".xls":
        raise SourceError(_("%(name)s：不读取旧的 .xls 格式；请在 Excel 中另存为 .xlsx（Excel 工作簿）再导入", name=path.name))
    else:
        raise SourceError(_("%(name)s：请导入 .xlsx 工作簿、.csv 文件、CSV 文件的 .zip，或放 CSV 文件的文件夹", name=path.name))
    if not source.sheets:
        raise _no_table(source)
    order = list(TABLES)
    source.sheets.sort(key=lambda s: order.index(s.table.name))
    seen: dict[str, str] = {}
    for sheet in source.sheets:
        if sheet.table.name in seen:
            raise SourceError(
                _(
                    "%(name)s：%(first)s 和 %(second)s 都是表 %(table)s；只留一个",
                    name=path.name,
                    first=seen[sheet.table.name],
                    second=sheet.origin,
                    table=sheet.table.name,
                )
            )
        seen[sheet.table.name] = sheet.origin


def _no_table(source: Source) -> SourceError:
    """A file holding no table the format knows: refused, naming what it holds and what a table is called."""
    files = source.path.is_dir() or source.path.suffix.lower() == ".zip"
    found = "、".join(source.ignored[:20]) + (" ..." if len(source.ignored) > 20 else "") if source.ignored else _("没有内容")
    expected = "、".join(f"{t.chinese} ({t.name})" for t in TABLES.values())
    if files:
        return SourceError(
            _(
                "%(name)s：没有可导入的表（其中的文件是 %(found)s）；请以表名给每个 CSV 文件命名：%(expected)s",
                name=source.path.name,
                found=found,
                expected=expected,
            )
        )
    return SourceError(
        _(
            "%(name)s：没有可导入的表（其中的工作表是 %(found)s）；请以表名给每个工作表命名：%(expected)s",
            name=source.path.name,
            found=found,
            expected=expected,
        )
    )


def _table_of(name: str) -> Table | None:
    found = SHEET_NAMES.get(name.strip()) or SHEET_NAMES.get(name.strip().lower())
    return TABLES[found] if found else None


# -- CSV -------------------------------------------------------------------------------------------


def _csv_folder(source: Source) -> None:
    folder = source.path
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() != ".csv":
            continue
        table = _table_of(file.stem)
        if table is None:
            source.ignored.append(file.name)
        else:
            source.sheets.append(_csv_sheet(source, table, file.name, lambda file=file: file.open("rb")))
    if not source.sheets and not source.ignored:
        raise SourceError(_("%(folder)s：没有 .csv 文件；请以表名给每个文件命名（%(tables)s）", folder=folder, tables=", ".join(TABLES)))


def _csv_zip(source: Source) -> None:
    archive = source.keep(_open_zip(source.path))
    for info, full_name in _member_names(archive):
        name = posixpath.basename(full_name)
        if info.is_dir() or not name.lower().endswith(".csv"):
            continue
        table = _table_of(name[:-4])
        if table is None:
            source.ignored.append(name)
        else:
            source.sheets.append(_csv_sheet(source, table, f"{source.path.name}:{name}", lambda info=info: archive.open(info)))


def _member_names(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    """Each member with its name as its maker wrote it: GBK (GB18030) when that names a table, else as zipfile read it.

    A name without the UTF-8 flag (bit 0x800) is read by zipfile as CP437, as the zip format
    says; but Debian's ``zip`` and Windows' "send to compressed folder" on a Chinese system write
    such names in the system's code page, GBK, so 组织架构.csv would read as mojibake. When one
    unflagged name reads in GBK as a table's, the zip was made so: all its unflagged names are
    read in GBK (a 说明.csv beside the tables is then listed as such, not as mojibake).
    """
    infos = archive.infolist()
    gbk = [_gbk_name(info) for info in infos]
    made_in_gbk = any(name is not None and _table_of(_csv_stem(name) or "") is not None for name in gbk)
    return [(info, name if made_in_gbk and name is not None else info.filename) for info, name in zip(infos, gbk, strict=True)]


def _gbk_name(info: zipfile.ZipInfo) -> str | None:
    """The member's name read in GB18030, if it lacks the UTF-8 flag and its bytes are GB18030 (None otherwise)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return None
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _csv_stem(name: str) -> str | None:
    """The file name's stem if it is a .csv file (in any folder of a zip), else None."""
    base = posixpath.basename(name)
    return base[:-4] if base.lower().endswith(".csv") else None


def _csv_sheet(source: Source, table: Table, origin: str, opener: Any) -> Sheet:
    encoding = _detect_encoding(origin, opener)
    stream = source.keep(io.TextIOWrapper(opener(), encoding=encoding, newline=""))
    try:
        first = stream.readline()
    except _DAMAGED as exc:
        raise _damaged(origin, exc) from None
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(_chain(first, stream), delimiter=delimiter)
    width = len(table.columns) + EXTRA_COLUMNS

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line_number = 0
        try:
            for line_number, cells in enumerate(reader, start=1):
                if any(cell.strip() for cell in cells) and not (_may_be_note(cells[0]) and _is_note(cells)):
                    yield line_number, _bounded(cells, origin=origin, line=line_number, width=width)
        except csv.Error as exc:
            raise SourceError(
                _("%(origin)s：第 %(line)s 行不是 CSV（%(error)s）；请检查其中的引号", origin=origin, line=line_number + 1, error=exc)
            ) from None
        except _DAMAGED as exc:
            raise _damaged(origin, exc) from None

    header_row, header, data = _headed(table, rows())
    return Sheet(table, origin, header, data, header_row)


HEADER_SEARCH = 10
"""Rows at the top of a sheet among which its header is looked for, past a title (XX街道党组织台账) and blank rows."""
_NOTE_LEADS = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "联系人",
    "联系电话",
    "填表日期",
    "填报日期",
    "制表日期",
    "注",
    "备注",
    "说明",
)
"""How a note row under a table begins (填表人：张三, 注：...): such a row, with its other cells empty, is no record."""


def _headed(table: Table, rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any], Iterator[tuple[int, list[Any]]]]:
    """The sheet's header, its row number and the rows under it: the first of the top rows naming two of the table's columns.

    Staff put a title above the header (often merged across the columns) and a blank row
    under it; those rows are passed over. When no top row names two columns, the first row is
    the header as before, and its missing columns are the problems the import reports.
    """
    names = _column_names(table)
    looked: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if sum(1 for cell in cells if isinstance(cell, str) and _normal_name(cell) in names) >= 2:
            return number, cells, rows
        looked.append((number, cells))
        if len(looked) >= HEADER_SEARCH:
            break
    if not looked:
        return 1, [], rows
    return looked[0][0], looked[0][1], itertools.chain(looked[1:], rows)


@functools.cache
def _column_names(table: Table) -> frozenset[str]:
    return frozenset(_normal_name(name) for column in table.columns for name in (column.name, column.chinese))


def _normal_name(text: str) -> str:
    """A header cell as it is matched to a column's name: any case, spacing (full-width too) and underscores."""
    return "".join(text.split()).replace("_", "").lower()


_NOTE_FIRST = frozenset(lead[0] for lead in _NOTE_LEADS)


def _may_be_note(first: Any) -> bool:
    """Whether a row whose first cell is ``first`` may be a note or blank: quick, since a record's first cell is an id."""
    return first is None or (type(first) is str and (not first or first[0] in _NOTE_FIRST or first[0].isspace()))


def _is_note(cells: list[Any]) -> bool:
    """Whether a row is a note under the table (填表人：张三, 注：...): the first cell one, every other cell blank."""
    first = cells[0] if cells else None
    if not isinstance(first, str) or not first.lstrip().startswith(_NOTE_LEADS):
        return False
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells[1:])


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _bounded(cells: list[str], *, origin: str, line: int, width: int) -> list[Any]:
    """A CSV line held to the bounds of a sheet: empty fields past ``width`` dropped, a filled one or an overlong field a problem."""
    if len(cells) > width:
        beyond = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
        if beyond is not None:
            raise SourceError(
                _(
                    "%(origin)s 第 %(line)s 行第 %(field)s 列：超出表格宽度（这张表一行最多 %(width)s 列："
                    "表的各列，加上自己的 %(extra)s 列）；"
                    "请移走或删去",
                    origin=origin,
                    line=line,
                    field=beyond + 1,
                    width=width,
                    extra=EXTRA_COLUMNS,
                )
            )
        del cells[width:]
    if max(map(len, cells), default=0) > MAX_CELL_CHARS:
        field = next(i for i, cell in enumerate(cells) if len(cell) > MAX_CELL_CHARS)
        raise SourceError(
            _(
                "%(origin)s 第 %(line)s 行第 %(field)s 列：文字过长（%(length)s 个字符，一个单元格最多 %(limit)s 个）；请缩短",
                origin=origin,
                line=line,
                field=field + 1,
                length=format(len(cells[field]), ","),
                limit=format(MAX_CELL_CHARS, ","),
            )
        )
    return cells


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest


def _detect_encoding(origin: str, opener: Any) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel writes on Chinese Windows); anything else is refused, named.

    Big5 and Shift-JIS text mostly decodes as GB18030 too, into garbage (組織 becomes 舱麓), so a
    file that is not UTF-8 is also put to charset-normalizer: if it reads better as another
    East Asian encoding than as GB18030, it is refused with that encoding named. UTF-16 and
    UTF-32 (Excel's "Unicode text") are refused as well: saving as CSV UTF-8 is one click away.
    """
    with opener() as f:
        try:
            sample = f.read(_SAMPLE)
        except _DAMAGED as exc:
            raise _damaged(origin, exc) from None
    wide = next((name for bom, name in _WIDE_BOMS if sample.startswith(bom)), None)
    if wide is None and sample.count(b"\x00") * 8 > len(sample):  # UTF-16 text is about half NUL bytes; a stray one is a cell's problem
        wide = _guess(sample) or "binary"
    if wide is not None:
        raise _wrong_encoding(origin, wide)
    if _decodes(origin, opener, "utf-8-sig") is None:
        return "utf-8-sig"
    failed_at = _decodes(origin, opener, "gb18030")
    guessed = _guess(sample)
    if failed_at is not None:
        if guessed is not None:
            raise _wrong_encoding(origin, guessed)
        raise SourceError(
            _(
                "%(origin)s：既不是 UTF-8 也不是 GB18030 文本（第 %(offset)s 字节无法读取）；"
                "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”再导入",
                origin=origin,
                offset=failed_at,
            )
        )
    if guessed is not None:
        raise _wrong_encoding(origin, guessed)
    return "gb18030"


_SAMPLE = 1 << 20
"""Bytes of a CSV file that are looked at to name its encoding."""
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
_GB = {"gb18030", "gbk", "gb2312", "hz"}
_NAMES = {
    "big5": "Big5 (繁体中文)",
    "big5hkscs": "Big5-HKSCS (繁体中文)",
    "cp950": "Big5 (繁体中文)",
    "cp932": "Shift-JIS (日文)",
    "shift_jis": "Shift-JIS (日文)",
    "shift_jis_2004": "Shift-JIS (日文)",
    "shift_jisx0213": "Shift-JIS (日文)",
    "euc_jp": "EUC-JP (日文)",
    "euc_jis_2004": "EUC-JP (日文)",
    "euc_jisx0213": "EUC-JP (日文)",
    "iso2022_jp": "ISO-2022-JP (日文)",
    "cp949": "EUC-KR (韩文)",
    "euc_kr": "EUC-KR (韩文)",
    "johab": "Johab (韩文)",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
    "utf_32_le": "UTF-32",
    "utf_32_be": "UTF-32",
}
"""The encodings a ledger is refused in when found, by the name a person knows them by; likeliest first."""


def _decodes(origin: str, opener: Any, encoding: str) -> int | None:
    """None if the whole file decodes in ``encoding``, else the offset of the first byte it cannot."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    try:
        with opener() as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset + exc.start
    except _DAMAGED as exc:
        raise _damaged(origin, exc) from None
    return None


def _guess(sample: bytes) -> str | None:
    """The East Asian or wide encoding charset-normalizer reads ``sample`` in better than GB18030, if any.

    Ties go to GB18030, and so do single-byte guesses (a short GB18030 text can read as well in
    a European code page): only a better reading in an encoding of :data:`_NAMES` refuses a file.
    """
    matches = list(charset_normalizer.from_bytes(sample))
    gb = min((m.chaos for m in matches if m.encoding in _GB), default=None)
    better = [m for m in matches if m.encoding in _NAMES and (gb is None or m.chaos < gb)]
    if not better:
        return None
    # short texts read equally well in several (Big5 bytes are often valid Korean too): name the likeliest in a Chinese office
    order = list(_NAMES)
    return min(better, key=lambda m: (m.chaos, order.index(m.encoding))).encoding


def _wrong_encoding(origin: str, encoding: str) -> SourceError:
    name = _NAMES.get(encoding, encoding)
    return SourceError(
        _(
            "%(origin)s：文件编码为 %(encoding)s，不是 UTF-8 或 GB18030（按这两种读都会是乱码）；"
            "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”再导入",
            origin=origin,
            encoding=name,
        )
    )


# -- XLSX ------------------------------------------------------------------------------------------


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(
            _("%(name)s：不是可读的 .xlsx 或 .zip 文件（%(error)s）；请从 Excel 重新保存", name=path.name, error=exc)
        ) from None
    unpacked = sum(i.file_size for i in archive.infolist())
    packed = sum(i.compress_size for i in archive.infolist()) or 1
    if unpacked > MAX_UNPACKED or (unpacked / packed > MAX_RATIO and unpacked > 50 * 1024**2):
        archive.close()
        raise SourceError(
            _(
                "%(name)s：会从 %(packed)s 字节解压成 %(unpacked)s 字节（%(ratio)s 倍）；这不是台账（压缩炸弹？），拒绝导入",
                name=path.name,
                packed=format(packed, ","),
                unpacked=format(unpacked, ","),
                ratio=unpacked // packed,
            )
        )
    return archive


def _damaged(where: str, exc: BaseException) -> SourceError:
    """A zip member that cannot be unpacked (a bad CRC, a broken deflate stream, a cut-off file)."""
    return SourceError(_("%(where)s：文件已损坏，无法解压（%(error)s）；请重新保存后导入新的副本", where=where, error=exc))


def _member(archive: zipfile.ZipFile, name: str, *, origin: str, limit: int) -> bytes:
    """A small member of the workbook read whole, refused if it is larger than such a part ever is."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise SourceError(
            _("%(origin)s：不是 Excel 工作簿（其中没有 %(part)s）；请从 Excel 另存为 .xlsx", origin=origin, part=name)
        ) from None
    if info.file_size > limit:
        raise SourceError(
            _(
                "%(origin)s：%(part)s 解压后有 %(size)s 字节，超过这一部分最多的 %(limit)s 字节；这不是台账",
                origin=origin,
                part=name,
                size=format(info.file_size, ","),
                limit=format(limit, ","),
            )
        )
    try:
        return archive.read(info)
    except _DAMAGED as exc:
        raise _damaged(f"{origin}:{name}", exc) from None


def _parser(where: str) -> Any:
    """An expat parser that builds no tree: each part is read by handlers keeping only what is needed, so memory stays bounded."""
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def no_doctype(*_args: object) -> None:
        raise SourceError(_("%(where)s：含 <!DOCTYPE> 声明，Excel 从不写它；这不是 Excel 保存的工作簿", where=where))

    parser.StartDoctypeDeclHandler = no_doctype
    return parser


def _parse(parser: Any, data: bytes, where: str) -> None:
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        raise SourceError(_("%(where)s：XML 已损坏（%(error)s）；请从 Excel 重新保存工作簿", where=where, error=exc)) from None


def _workbook(source: Source) -> None:
    path = source.path
    origin = path.name
    archive = source.keep(_open_zip(path))
    sheets: list[tuple[str, str]] = []
    date1904 = False

    def on_workbook(tag: str, attrs: dict[str, str]) -> None:
        nonlocal date1904
        if tag == _SHEET_TAG:
            if len(sheets) >= MAX_SHEETS:
                raise SourceError(
                    _("%(origin)s：工作表超过 %(limit)s 张；台账每张表一个工作表", origin=origin, limit=format(MAX_SHEETS, ","))
                )
            sheets.append((attrs.get("name", ""), attrs.get(_REL_ID, "")))
        elif tag == _WORKBOOK_PR_TAG:
            date1904 = attrs.get("date1904") in ("1", "true")

    parser = _parser(f"{origin}:xl/workbook.xml")
    parser.StartElementHandler = on_workbook
    _parse(parser, _member(archive, "xl/workbook.xml", origin=origin, limit=MAX_PART), f"{origin}:xl/workbook.xml")
    targets: dict[str, str] = {}

    def on_relationship(tag: str, attrs: dict[str, str]) -> None:
        if tag == _RELATIONSHIP_TAG:
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    parser = _parser(f"{origin}:xl/_rels/workbook.xml.rels")
    parser.StartElementHandler = on_relationship
    rels = _member(archive, "xl/_rels/workbook.xml.rels", origin=origin, limit=MAX_PART)
    _parse(parser, rels, f"{origin}:xl/_rels/workbook.xml.rels")
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    shared = _shared_strings(archive, origin)
    dates = _date_styles(archive, origin)
    for name, relation in sheets:
        table = _table_of(name)
        if table is None:
            source.ignored.append(name)
            continue
        target = targets.get(relation, "")
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
        reader = _SheetReader(f"{origin}:{name}", shared=shared, dates=dates, epoch=epoch, width=len(table.columns) + EXTRA_COLUMNS)
        header_row, header, rows = _headed(table, reader.rows(archive, member))
        source.sheets.append(Sheet(table, f"{origin}:{name}", header, rows, header_row))


def _shared_strings(archive: zipfile.ZipFile, origin: str) -> list[str]:
    """共享字符串: the workbook's table of texts that cells point at, bounded in count, length and total size."""
    where = f"{origin}:xl/sharedStrings.xml"
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    except _DAMAGED as exc:
        raise _damaged(where, exc) from None
    strings: list[str] = []
    parts: list[str] = []
    length = 0
    total = 0
    in_text = False

    def start(tag: str, _attrs: object) -> None:
        nonlocal in_text, length
        if tag == _T_TAG:
            in_text = True
        elif tag == _SI_TAG:
            parts.clear()
            length = 0

    def end(tag: str) -> None:
        nonlocal in_text, total
        if tag == _T_TAG:
            in_text = False
        elif tag == _SI_TAG:
            if len(strings) >= MAX_SHARED_STRINGS:
                raise SourceError(
                    _("%(where)s：共享字符串超过 %(limit)s 条；这不是台账", where=where, limit=format(MAX_SHARED_STRINGS, ","))
                )
            total += length
            if total > MAX_SHARED_CHARS:
                raise SourceError(
                    _("%(where)s：共享字符串共超过 %(limit)s 个字符；这不是台账", where=where, limit=format(MAX_SHARED_CHARS, ","))
                )
            strings.append("".join(parts))

    def text(data: str) -> None:
        nonlocal length
        if in_text:
            length += len(data)
            if length > MAX_CELL_CHARS:
                raise SourceError(
                    _(
                        "%(where)s：共享字符串第 %(number)s 条过长（超过一个 Excel 单元格最多的 %(limit)s 个字符）；请缩短",
                        where=where,
                        number=len(strings) + 1,
                        limit=format(MAX_CELL_CHARS, ","),
                    )
                )
            parts.append(data)

    parser = _parser(where)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with stream:
        try:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except pyexpat.ExpatError as exc:
            raise SourceError(_("%(where)s：XML 已损坏（%(error)s）；请从 Excel 重新保存工作簿", where=where, error=exc)) from None
        except _DAMAGED as exc:
            raise _damaged(where, exc) from None
    return strings


def _date_styles(archive: zipfile.ZipFile, origin: str) -> set[int]:
    """Indexes of the cell styles (单元格格式) that show a number as a date: such cells are Excel dates."""
    where = f"{origin}:xl/styles.xml"
    try:
        archive.getinfo("xl/styles.xml")
    except KeyError:
        return set()
    custom: set[int] = set()
    formats: list[int] = []
    depth_in_xfs = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth_in_xfs
        if tag == _NUM_FMT_TAG:
            number = _format_id(attrs.get("numFmtId", "0"), where=where, what=f"number format {attrs.get('formatCode', '')!r}")
            if _is_date_format(attrs.get("formatCode", "")):
                custom.add(number)
        elif tag == _CELL_XFS_TAG:
            depth_in_xfs += 1
        elif tag == _XF_TAG and depth_in_xfs:
            if len(formats) >= MAX_STYLES:
                raise SourceError(
                    _(
                        "%(where)s：单元格样式超过 Excel 允许的 %(limit)s 种；这不是 Excel 保存的工作簿",
                        where=where,
                        limit=format(MAX_STYLES, ","),
                    )
                )
            formats.append(_format_id(attrs.get("numFmtId", "0"), where=where, what=f"cell style {len(formats)}"))

    def end(tag: str) -> None:
        nonlocal depth_in_xfs
        if tag == _CELL_XFS_TAG:
            depth_in_xfs -= 1

    parser = _parser(where)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _parse(parser, _member(archive, "xl/styles.xml", origin=origin, limit=MAX_PART), where)
    dated = _BUILTIN_DATE_FORMATS | custom
    return {i for i, number in enumerate(formats) if number in dated}


def _format_id(text: str, *, where: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise SourceError(
            _("%(where)s：%(what)s 的数字格式编号 %(text)r 无效（不是整数）；请从 Excel 重新保存工作簿", where=where, what=what, text=text)
        )
    return int(text)


def _is_date_format(code: str) -> bool:
    """Whether a number format shows a date: it has d, m or y outside quoted text and [colour] tags."""
    return bool(_DATE_CODES.search(re.sub(r'"[^"]*"|\[[^]]*]', "", code)))


MAX_MERGED = 100_000
"""Merged ranges a sheet may hold (a ledger has a few hundred at most)."""
_MERGE_CELLS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCells[\s>/]")
_MERGE_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


@dataclass(frozen=True)
class _Merged:
    """One merged range (合并单元格) of a sheet: its columns (0 is A) and its last row."""

    first_column: int
    last_column: int
    last_row: int


def _letters_index(letters: bytes) -> int:
    """The column index (0 is A) of column letters as a sheet's XML writes them."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _merged_ranges(stream: IO[bytes], where: str) -> dict[int, list[_Merged]]:
    """The sheet's merged ranges of more than one cell, by first row.

    Excel writes ``<mergeCells>`` after the rows, so the sheet's bytes are run through once
    before its rows are read (inflating is quick beside parsing: no XML is parsed here, the
    markup is searched for). A ``<`` in cell text is written ``&lt;``, so text cannot pass for it.
    """
    merged: dict[int, list[_Merged]] = {}
    count = 0
    tail = b""
    found = False
    try:
        while chunk := stream.read(_CHUNK * 16):
            data = tail + chunk
            if not found:
                start = data.find(b"mergeCells")
                match = _MERGE_CELLS.search(data, max(start - 40, 0)) if start >= 0 else None
                if match is None:
                    tail = data[-64:]
                    continue
                found = True
                data = data[match.start() :]
            end = 0
            for ref in _MERGE_REF.finditer(data):
                end = ref.end()
                first_row, last_row = int(ref[2]), int(ref[4])
                first_column, last_column = _letters_index(ref[1]), _letters_index(ref[3])
                if last_row > first_row or last_column > first_column:
                    count += 1
                    if count > MAX_MERGED:
                        raise SourceError(
                            _("%(where)s：合并单元格区域超过 %(limit)s 个；这不是台账", where=where, limit=format(MAX_MERGED, ","))
                        )
                    merged.setdefault(first_row, []).append(_Merged(first_column, last_column, last_row))
            tail = data[max(end, len(data) - 512) :]
    except _DAMAGED as exc:
        raise _damaged(where, exc) from None
    return merged


def _fill(cells: list[Any], column: int, value: Any) -> None:
    """Put ``value`` in an empty cell of a row (widening the row to reach it)."""
    if column >= len(cells):
        cells.extend([None] * (column + 1 - len(cells)))
    if cells[column] is None or cells[column] == "":
        cells[column] = value


def _column_letters(index: int) -> str:
    """The letters Excel shows for a column (0 is A, 16383 is XFD)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _SheetReader:
    """One sheet's XML read by expat handlers into rows of cell values, keeping no tree and no cell past the sheet's width."""

    def __init__(self, origin: str, *, shared: list[str], dates: set[int], epoch: datetime, width: int) -> None:
        self.origin = origin
        self.shared = shared
        self.dates = dates
        self.epoch = epoch
        self.width = width
        """Cells from this column on (the table's columns and :data:`EXTRA_COLUMNS`) are not kept: empty ones dropped, others refused."""
        self.ready: list[tuple[int, list[Any]]] = []
        self.number = 0
        self.cells: list[Any] = []
        self.next_column = 0
        self.in_cell = False
        self.column = 0
        self.ref = ""
        self.kind = "n"
        self.style: str | None = None
        self.value: str | None = None
        self.formula: str | None = None
        self.inline: list[str] | None = None
        self.text: list[str] | None = None
        self.length = 0
        self.merged: dict[int, list[_Merged]] = {}
        """The sheet's merged ranges, by first row."""
        self.carrying: dict[int, tuple[int, Any]] = {}
        """Merged ranges the rows being read lie in, by column: (last row, the range's value)."""

    def rows(self, archive: zipfile.ZipFile, member: str) -> Iterator[tuple[int, list[Any]]]:
        """The sheet's rows as (row number, cells), skipping empty rows; cells placed by their column letters."""
        where = f"{self.origin} ({member})"
        try:
            with archive.open(member) as first_pass:  # merged ranges come after the rows: found first
                self.merged = _merged_ranges(first_pass, where)
            stream = archive.open(member)
        except KeyError:
            raise SourceError(
                _("%(origin)s：工作簿提到的工作表文件 %(member)s 并不在其中；请从 Excel 重新保存", origin=self.origin, member=member)
            ) from None
        except _DAMAGED as exc:
            raise _damaged(f"{self.origin} ({member})", exc) from None
        parser = _parser(where)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        with stream:  # a generator: its first row is read when the sheet is opened, the rest as the import asks
            try:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    if self.ready:
                        yield from self.ready
                        self.ready.clear()
                parser.Parse(b"", True)
            except pyexpat.ExpatError as exc:
                raise SourceError(
                    _(
                        "%(where)s：工作表 XML 在第 %(row)s 行附近已损坏（%(error)s）；请从 Excel 重新保存工作簿",
                        where=where,
                        row=self.number + 1,
                        error=exc,
                    )
                ) from None
            except _DAMAGED as exc:
                raise _damaged(where, exc) from None
            yield from self.ready

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _C_TAG:
            ref = attrs.get("r")
            if ref is None:
                self.column = self.next_column
                self.ref = f"{_column_letters(self.column)}{self.number}" if self.column < MAX_SHEET_COLUMNS else f"#{self.column + 1}"
            else:
                self.column = self._column_of(ref)
                self.ref = ref
            if self.column >= MAX_SHEET_COLUMNS:
                raise SourceError(
                    _(
                        "%(origin)s 第 %(row)s 行：单元格超出 XFD 列（Excel 工作表的最后一列，第 %(last)s 列）；这不是 Excel 保存的工作簿",
                        origin=self.origin,
                        row=self.number,
                        last=format(MAX_SHEET_COLUMNS, ","),
                    )
                )
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            if style is not None and not (style.isascii() and style.isdigit() and len(style) < 10):
                raise self._bad(_("样式编号 %(style)r 无效（不是整数）", style=style))
            self.style = style
            self.value = self.formula = self.inline = None
            self.in_cell = True
        elif tag in (_V_TAG, _F_TAG):
            self.text = []
            self.length = 0
        elif tag == _T_TAG and self.in_cell:
            self.text = []
            if self.inline is None:
                self.inline = []
                self.length = 0
        elif tag == _ROW_TAG:
            self._row_start(attrs.get("r"))

    def _end(self, tag: str) -> None:
        if tag == _V_TAG:
            self.value = "".join(self.text or ())
            self.text = None
        elif tag == _C_TAG:
            self._place(self._cell_value())
            self.in_cell = False
        elif tag == _ROW_TAG:
            cells = self.cells
            kept = any(c is not None and c != "" for c in cells) and not (_may_be_note(cells[0]) and (_is_note(cells) or _is_blank(cells)))
            if self.merged:
                self._fill_merged(cells)
            if kept:
                self.ready.append((self.number, cells))
            self.cells = []
        elif tag == _T_TAG:
            if self.inline is not None and self.text is not None:
                self.inline.extend(self.text)
            self.text = None
        elif tag == _F_TAG:
            self.formula = "".join(self.text or ())
            self.text = None

    def _fill_merged(self, cells: list[Any]) -> None:
        """Give every cell of a merged range (合并单元格) its first cell's value, as staff read it.

        Excel keeps the value only in a merged range's first cell; staff mean it in every cell of
        the range: a grid's parent merged down its rows, a date merged across two columns, a block
        merged over rows and columns. A range that is all its first row holds (a title,
        「XX街道党组织台账」, merged across the columns) is left as one value: it is no record.
        """
        number = self.number
        for column, (last, value) in list(self.carrying.items()):
            if number > last:
                del self.carrying[column]
            else:
                _fill(cells, column, value)
        for merged in self.merged.get(number, ()):
            first = merged.first_column
            value = cells[first] if first < len(cells) else None
            if first >= self.width or value is None or value == "":
                continue
            last_column = min(merged.last_column, self.width - 1)
            if last_column > first and _is_blank([c for i, c in enumerate(cells) if not first <= i <= last_column]):
                continue  # a title
            for column in range(first, last_column + 1):
                _fill(cells, column, value)
                if merged.last_row > number:
                    self.carrying[column] = (merged.last_row, value)

    def _characters(self, data: str) -> None:
        if self.text is not None:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise self._bad(_("文字过长（超过一个 Excel 单元格最多的 %(limit)s 个字符）；请缩短", limit=format(MAX_CELL_CHARS, ",")))
            self.text.append(data)

    def _row_start(self, r: str | None) -> None:
        if r is None:
            number = self.number + 1
        elif r.isascii() and r.isdigit() and len(r) < 10:
            number = int(r)
        else:
            raise SourceError(
                _(
                    "%(origin)s：第 %(after)s 行之后的行号 %(number)r 无效（不是整数）；请从 Excel 重新保存工作簿",
                    origin=self.origin,
                    number=r,
                    after=self.number,
                )
            )
        if not 1 <= number <= MAX_SHEET_ROWS:
            raise SourceError(
                _(
                    "%(origin)s：行号 %(number)s 超出范围（Excel 工作表只有第 1 到 %(last)s 行）；这不是 Excel 保存的工作簿",
                    origin=self.origin,
                    number=format(number, ","),
                    last=format(MAX_SHEET_ROWS, ","),
                )
            )
        self.number = number
        self.cells = []
        self.next_column = 0

    def _column_of(self, ref: str) -> int:
        match = _CELL_REF.fullmatch(ref)
        if match is None:
            raise SourceError(
                _("%(origin)s 第 %(row)s 行：单元格地址 %(ref)r 无效（应是 B7 这样的位置）", origin=self.origin, row=self.number, ref=ref)
            )
        letters = match[1]
        if len(letters) > 3:
            return MAX_SHEET_COLUMNS  # past XFD whatever the letters: refused by the caller without counting them out
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        return index - 1

    def _bad(self, what: str) -> SourceError:
        return SourceError(
            _(
                "%(origin)s 单元格 %(ref)s：%(what)s；工作簿已损坏或不是 Excel 保存的：请从 Excel 重新保存",
                origin=self.origin,
                ref=self.ref,
                what=what,
            )
        )

    def _place(self, value: Any) -> None:
        cells = self.cells
        position = max(self.column, len(cells))
        self.next_column = self.column + 1
        if position >= self.width:
            if value is None or value == "":
                return  # formatting Excel keeps for empty cells far to the right: nothing to read
            raise SourceError(
                _(
                    "%(origin)s 单元格 %(ref)s：超出表格宽度（这张表最宽到 %(last)s 列：表的各列，加上自己的 %(extra)s 列）；请移走或删去",
                    origin=self.origin,
                    ref=self.ref,
                    last=_column_letters(self.width - 1),
                    extra=EXTRA_COLUMNS,
                )
            )
        if position > len(cells):
            cells.extend([None] * (position - len(cells)))
        cells.append(value)

    def _cell_value(self) -> Any:
        kind = self.kind
        if self.formula is not None:
            return Formula(self.formula)
        if kind == "inlineStr":
            return "".join(self.inline or ())
        text = self.value
        if text is None:
            return None
        if kind == "s":
            if not (text.isascii() and text.isdigit()) or int(text) >= len(self.shared):
                raise self._bad(
                    _("共享字符串编号 %(number)r 超出范围（工作簿只有 %(count)s 条）", number=text, count=format(len(self.shared), ","))
                )
            return self.shared[int(text)]
        if kind in ("str", "d"):
            return text
        if kind == "b":
            return text == "1"
        if kind == "e":
            return CellError(text)
        try:
            number = float(text)
        except ValueError:
            raise self._bad(_("数值 %(text)r 无效", text=text[:50])) from None
        if not math.isfinite(number):
            raise self._bad(_("数值 %(text)r 无效（不是有限的数）", text=text[:50]))
        if self.style is not None and int(self.style) in self.dates:
            try:
                return self.epoch + timedelta(days=number)
            except OverflowError:
                raise self._bad(_("日期序号 %(text)r 超出日期能有的年份范围", text=text[:50])) from None
        return int(number) if number.is_integer() and "E" not in text and "." not in text else number
