"""Reading the files staff keep: an ``.xlsx`` workbook, a folder (or ``.zip``) of CSV files, or one CSV file.

Every source yields, per table present, its header and its rows as plain cell values, one
row at a time, so that a file of a million rows is never held whole. The workbook is read
straight from its XML with the standard library's C parser: about five times faster than
openpyxl's read-only mode, which matters for ledgers of a hundred thousand rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import pyexpat
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, ParseError

from loaders.format import SHEET_NAMES, TABLES, Table

# A workbook is untrusted input. ElementTree never fetches external entities, and expat 2.4.1 and
# later refuse entity amplification (billion laughs); on an older expat we would rather not read.
if pyexpat.version_info < (2, 4, 1):  # pragma: no cover - Python 3.11's own expat is 2.5
    raise ImportError(f"reading workbooks safely needs expat 2.4.1 or later, this Python has {pyexpat.EXPAT_VERSION}")

__all__ = ["CellError", "Formula", "Sheet", "Source", "SourceError", "open_source"]

MAX_UNPACKED = 2 * 1024**3
"""A workbook or zip that would unpack to more than this is refused (a zip bomb, or not a ledger)."""
MAX_RATIO = 200
"""Nor one that packs more than this many times tighter than a real spreadsheet does."""

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)")
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}


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
        raise SourceError(f"{path}: no such file or folder")
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(source)
    elif path.suffix.lower() == ".zip":
        _csv_zip(source)
    elif path.suffix.lower() in (".csv", ".txt"):
        table = _table_of(path.stem)
        if table is None:
            raise SourceError(f"{path.name}: a CSV file is named after its table: one of {', '.join(SHEET_NAMES)} (.csv)")
        source.sheets.append(_csv_sheet(source, table, path.name, lambda: path.open("rb")))
    elif path.suffix.lower() == ".xls":
        raise SourceError(f"{path.name}: the old .xls format is not read; in Excel, save it as .xlsx (Excel 工作簿) and import that")
    else:
        raise SourceError(f"{path.name}: import an .xlsx workbook, a .csv file, a .zip of CSV files, or a folder of CSV files")
    order = list(TABLES)
    source.sheets.sort(key=lambda s: order.index(s.table.name))
    seen: dict[str, str] = {}
    for sheet in source.sheets:
        if sheet.table.name in seen:
            raise SourceError(f"{path.name}: both {seen[sheet.table.name]} and {sheet.origin} hold the table {sheet.table.name}; keep one")
        seen[sheet.table.name] = sheet.origin


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
        raise SourceError(f"{folder}: holds no .csv file; name each file after its table ({', '.join(TABLES)})")


def _csv_zip(source: Source) -> None:
    archive = source.keep(_open_zip(source.path))
    for info in archive.infolist():
        name = posixpath.basename(info.filename)
        if info.is_dir() or not name.lower().endswith(".csv"):
            continue
        table = _table_of(name[:-4])
        if table is None:
            source.ignored.append(name)
        else:
            source.sheets.append(_csv_sheet(source, table, f"{source.path.name}:{name}", lambda info=info: archive.open(info)))


def _csv_sheet(source: Source, table: Table, origin: str, opener: Any) -> Sheet:
    encoding = _detect_encoding(origin, opener)
    stream = source.keep(io.TextIOWrapper(opener(), encoding=encoding, newline=""))
    first = stream.readline()
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(_chain(first, stream), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise SourceError(f"{origin}: the header line is not CSV ({exc})") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line_number = 1
        try:
            for line_number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield line_number, list(cells)
        except csv.Error as exc:
            raise SourceError(f"{origin}: line {line_number + 1} is not CSV ({exc}); check its quotes") from None

    return Sheet(table, origin, list(header), rows())


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest


def _detect_encoding(origin: str, opener: Any) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel writes on Chinese Windows); read through once to be sure."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with opener() as f:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            failed_at = offset + exc.start
            continue
    raise SourceError(
        f"{origin}: is neither UTF-8 nor GB18030 text (unreadable byte at offset {failed_at}); "
        "in Excel, save it as 'CSV UTF-8 (逗号分隔)' and import again"
    )


# -- XLSX ------------------------------------------------------------------------------------------


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path.name}: is not a readable .xlsx or .zip file ({exc}); save it again from Excel") from None
    unpacked = sum(i.file_size for i in archive.infolist())
    packed = sum(i.compress_size for i in archive.infolist()) or 1
    if unpacked > MAX_UNPACKED or (unpacked / packed > MAX_RATIO and unpacked > 50 * 1024**2):
        archive.close()
        raise SourceError(
            f"{path.name}: would unpack to {unpacked:,} bytes from {packed:,} ({unpacked // packed}x); "
            "that is not a ledger (a zip bomb?), so it is refused"
        )
    return archive


def _workbook(source: Source) -> None:
    path = source.path
    archive = source.keep(_open_zip(path))
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ParseError) as exc:
        raise SourceError(f"{path.name}: is not an Excel workbook ({exc}); save it again from Excel as .xlsx") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    props = workbook.find(f"{_NS}workbookPr")
    epoch = datetime(1904, 1, 1) if props is not None and props.get("date1904") in ("1", "true") else datetime(1899, 12, 30)
    shared = _shared_strings(archive)
    dates = _date_styles(archive)
    for entry in workbook.iter(f"{_NS}sheet"):
        name = entry.get("name", "")
        table = _table_of(name)
        if table is None:
            source.ignored.append(name)
            continue
        target = targets.get(entry.get(f"{_REL_NS}id"), "")
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
        rows = _sheet_rows(archive, member, shared, dates, epoch)
        header = next(rows, (1, []))
        source.sheets.append(Sheet(table, f"{path.name}:{name}", header[1], rows))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with stream:
        for _, element in ET.iterparse(stream):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t")))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles that show a number as a date: such cells are Excel dates."""
    try:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {int(f.get("numFmtId", "0")) for f in styles.iter(f"{_NS}numFmt") if _is_date_format(f.get("formatCode", ""))}
    xfs = styles.find(f"{_NS}cellXfs")
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in _BUILTIN_DATE_FORMATS | custom}


def _is_date_format(code: str) -> bool:
    """Whether a number format shows a date: it has d, m or y outside quoted text and [colour] tags."""
    return bool(_DATE_CODES.search(re.sub(r'"[^"]*"|\[[^]]*]', "", code)))


def _sheet_rows(
    archive: zipfile.ZipFile, member: str, shared: list[str], dates: set[int], epoch: datetime
) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows as (row number, cells), skipping empty rows; cells placed by their column letters."""
    row_tag, cell_tag, value_tag, formula_tag = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}f"
    try:
        stream = archive.open(member)
    except KeyError:
        raise SourceError(f"the workbook names a sheet file {member} that it does not hold; save it again from Excel") from None
    with stream:  # a generator: its first row is read when the sheet is opened, the rest as the import asks
        parent = None
        number = 0
        try:
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    if element.tag == f"{_NS}sheetData":
                        parent = element
                    continue
                if element.tag != row_tag:
                    continue
                number = int(element.get("r") or number + 1)
                cells: list[Any] = []
                for cell in element.iter(cell_tag):
                    ref = cell.get("r")
                    if ref:
                        column = _column_index(ref)
                        if column > len(cells):
                            cells.extend([None] * (column - len(cells)))
                    cells.append(_cell_value(cell, shared, dates, epoch, value_tag, formula_tag))
                if parent is not None:
                    parent.clear()
                if any(c is not None and c != "" for c in cells):
                    yield number, cells
        except ParseError as exc:
            raise SourceError(f"{member}: damaged sheet XML near row {number + 1} ({exc}); save the workbook again from Excel") from None


def _column_index(ref: str) -> int:
    letters = _CELL_REF.match(ref)
    index = 0
    for ch in letters[1] if letters else "A":
        index = index * 26 + ord(ch) - 64
    return index - 1


def _cell_value(cell: Element, shared: list[str], dates: set[int], epoch: datetime, value_tag: str, formula_tag: str) -> Any:
    kind = cell.get("t", "n")
    formula = cell.find(formula_tag)
    if formula is not None:
        return Formula(formula.text or "")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    value = cell.find(value_tag)
    text = value.text if value is not None else None
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "d"):
        return text
    if kind == "b":
        return text == "1"
    if kind == "e":
        return CellError(text)
    number = float(text)
    if int(cell.get("s", "0")) in dates:
        return epoch + timedelta(days=number)
    return int(number) if number.is_integer() and "E" not in text and "." not in text else number
