"""A sheet's XML read before calamine reads the sheet: how far its cells reach, and its error cells.

calamine reads a sheet into one grid from A1 to its farthest cell, so a single value in XFD1048576
asks for half a terabyte, and ALL100000 for gigabytes; and it gives an error cell (#N/A, #REF!, …)
as an empty string, which the loader would take for a blank. So each sheet the loader reads is
scanned here first, as the bytes of its part of the .xlsx package, streamed in chunks (bounded
memory whatever the file unpacks to):

- the fast path, for the cells every writer of .xlsx puts down (``<c r="B7" …>``, ``r`` first):
  a few searches of the bytes find the cells past the limits and the error cells;
- any other shape (cells without a reference, a namespace prefix, single quotes, character
  references in attributes) is read by expat, element by element, as calamine would place them.

A cell past the limits that holds nothing (a formatted blank) costs calamine nothing and is passed
over; one that holds anything, even an empty text, would be read, so it stops the scan.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

# The sheet a planner keeps fits with room to spare (the largest district, 100,000 staff, is half
# the rows); past these a sheet is refused rather than read. Column 200 is GR.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# calamine keeps 32 bytes a cell of the grid, blank or not: the area from A1 to the farthest cell
# may hold this many (320 MB; the largest district's staff sheet is 2.6 million). Only sheets wider
# than MAX_CELLS // MAX_ROWS columns can reach it within the other two limits.
MAX_CELLS = 10_000_000
_CHUNK = 4 << 20
# One row of a sheet is never this long; past it the chunking gives way to expat.
_MAX_CARRY = 64 << 20
# Characters of a stray cell's value quoted in the refusal.
_SHOWN = 80

# Every cell tag worth a second look, found with one search from its literal start ``<c``:
# a tag of another shape (odd), or one whose reference lies past MAX_COLUMNS (far) or MAX_ROWS.
_CELL_OF_NOTE = re.compile(
    rb"<c(?:"
    rb'(?P<odd>[\t\n\r/>]| (?!r=")| r="(?![A-Z]{1,3}[1-9][0-9]{0,6}"))'
    rb'| r="(?P<far>(?:[A-Z]{3}|G[S-Z]|[H-Z][A-Z])[0-9]+'
    rb'|[A-Z]{1,2}(?:[3-9][0-9]{5}|2(?!00000")[0-9]{5}|[1-9][0-9]{6})")'
    rb")"
)
_PREFIXED_CELL = re.compile(rb"<[\w.-]+:c[\s/>]")
# Cells of column AA or later that hold something (not a self-closed, formatted blank).
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]+"[^>]*(?<!/)>')
_CELL_ROW = re.compile(rb'<c r="[A-Z]+([0-9]+)"[^>]*(?<!/)>')
_ERROR_TAG = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?\st\s*=\s*"e"[^>]*>')
_VALUE = re.compile(rb"<(?:v|t)(?:\s[^>]*)?>([^<]*)<")
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True, slots=True)
class ErrorCell:
    """A cell showing an Excel error; ``row`` and ``column`` count from 0."""

    row: int
    column: int
    code: str


@dataclass(frozen=True, slots=True)
class StrayCell:
    """The first cell past the limits that holds something: its reference and what it holds."""

    reference: str
    found: str | None


@dataclass(frozen=True, slots=True)
class SheetScan:
    """The sheet's error cells; the first cell past MAX_ROWS or MAX_COLUMNS that holds something;
    and, when the area from A1 to the farthest cells is more than MAX_CELLS, its far corner."""

    errors: tuple[ErrorCell, ...]
    stray: StrayCell | None
    corner: str | None = None


class PackageError(ValueError):
    """The .xlsx package's own structure cannot be followed to its sheets."""


def column_letters(position: int) -> str:
    """Excel's letters for a 0-based column: 0 is A, 26 is AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _reference(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


def _within(row: int, column: int) -> bool:
    return row < MAX_ROWS and column < MAX_COLUMNS


class Package:
    """The workbook's zip package, to scan the XML of a sheet by its title."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._parts = _sheet_parts(self._zip)
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as error:
            raise PackageError(str(error)) from None

    def scan(self, title: str) -> SheetScan:
        """The sheet's error cells and its first stray cell; PackageError when its part is missing."""
        part = self._parts.get(title)
        if part is None:
            raise PackageError(f"no worksheet part for sheet {title!r}")
        try:
            with self._zip.open(part) as stream:
                fast = _scan_fast(stream)
            if fast is None:
                with self._zip.open(part) as stream:
                    return _scan_slow(stream)
            scan, widest = fast
            if scan.stray is None and widest >= MAX_CELLS // MAX_ROWS:
                with self._zip.open(part) as stream:
                    deepest = max((_deepest(chunk) for chunk in _chunks(stream)), default=-1)
                return SheetScan(scan.errors, None, _corner(deepest, widest))
            return scan
        except _TooLong:
            with self._zip.open(part) as stream:
                return _scan_slow(stream)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
            raise PackageError(str(error)) from None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's title and the name of its XML part in the package."""
    workbook = _office_document(archive)
    relationships = _relationships(archive, workbook)
    root = ElementTree.fromstring(archive.read(workbook))
    parts: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        name = element.get("name")
        relationship = relationships.get(element.get(f"{{{_OFFICE_DOCUMENT}}}id", ""))
        if name is not None and relationship is not None:
            parts.setdefault(name, relationship[1])
    return parts


def _office_document(archive: zipfile.ZipFile) -> str:
    """The workbook part, as the package's own relationships name it (xl/workbook.xml by default)."""
    for kind, target in _relationships(archive, "").values():
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships by id: their type, and their target as a name in the package."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", f"{name}.rels")
    if path not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for element in ElementTree.fromstring(archive.read(path)).iter(_RELATIONSHIP):
        target = element.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (element.get("Type", ""), resolved)
    return found


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The part in pieces that each end after a ``</row>`` (the last one: wherever the part ends).

    None of the fast path's patterns spans a row, so none is cut. Raises _TooLong for a row longer
    than _MAX_CARRY.
    """
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if carry:
                yield carry
            return
        buffer = carry + chunk
        cut = buffer.rfind(b"</row>")
        if cut < 0:
            if len(buffer) > _MAX_CARRY:
                raise _TooLong
            carry = buffer
            continue
        cut += len(b"</row>")
        yield buffer[:cut]
        carry = buffer[cut:]


class _TooLong(Exception):
    pass


def _corner(row: int, column: int) -> str | None:
    """The far corner of the area from A1, when it is more than MAX_CELLS cells."""
    return _reference(row, column) if (row + 1) * (column + 1) > MAX_CELLS else None


def _deepest(chunk: bytes) -> int:
    return max((int(row) - 1 for row in _CELL_ROW.findall(chunk)), default=-1)


def _scan_fast(stream: IO[bytes]) -> tuple[SheetScan, int] | None:
    """The scan by byte searches, with the widest column that holds something; None when a cell is
    of a shape only expat reads safely. Raises _TooLong for a row too long to search as a piece."""
    errors: list[ErrorCell] = []
    widest = -1
    for chunk in _chunks(stream):
        if b"'e'" in chunk or b'="&#' in chunk or (b":c" in chunk and _PREFIXED_CELL.search(chunk)):
            return None
        for match in _CELL_OF_NOTE.finditer(chunk):
            if match.group("odd") is not None:
                return None
            stray = _stray_in(chunk, match)
            if stray is not None:
                return SheetScan(tuple(errors), stray), widest
        if b'"e"' in chunk:
            errors.extend(_errors_in(chunk))
        for letters in set(_WIDE_CELL.findall(chunk)):
            widest = max(widest, _column_index(letters.decode("ascii")))
    return SheetScan(tuple(errors), None), widest


def _cell_body(chunk: bytes, tag_start: int) -> tuple[bytes, bytes] | None:
    """The cell's start tag and what lies between it and ``</c>``; None for a self-closed tag."""
    close = chunk.find(b">", tag_start)
    if close < 0 or chunk[close - 1 : close] == b"/":
        return None
    end = chunk.find(b"</c>", close)
    return chunk[tag_start : close + 1], chunk[close + 1 : end if end >= 0 else len(chunk)]


def _stray_in(chunk: bytes, match: re.Match[bytes]) -> StrayCell | None:
    """The far cell ``match`` found, when it holds something (a value, even an empty text)."""
    cell = _cell_body(chunk, match.start())
    if cell is None:
        return None
    tag, body = cell
    if b"<v" not in body and b"<is" not in body:
        return None
    reference = tag.split(b'"', 2)[1].decode("ascii")
    return StrayCell(reference, _shown_value(tag, body))


def _shown_value(tag: bytes, body: bytes) -> str | None:
    # A shared string's <v> is an index into another part, not what the cell shows.
    if re.search(rb'\st\s*=\s*"s"', tag):
        return None
    texts = _VALUE.findall(body)
    return html.unescape(b"".join(texts).decode("utf-8", "replace"))[:_SHOWN] if texts else ""


def _errors_in(chunk: bytes) -> list[ErrorCell]:
    found: list[ErrorCell] = []
    for match in _ERROR_TAG.finditer(chunk):
        cell = _cell_body(chunk, match.start())
        code = ""
        if cell is not None:
            value = _VALUE.search(cell[1])
            code = html.unescape(value.group(1).decode("utf-8", "replace")) if value else ""
        row = int(match.group(2)) - 1
        column = _column_index(match.group(1).decode("ascii"))
        found.append(ErrorCell(row, column, code.strip() or "#N/A"))
    return found


class _Stop(Exception):
    pass


class _ExpatScan:
    """The slow path: every element, cells placed as calamine places them (by ``r``, else in turn)."""

    def __init__(self) -> None:
        self.errors: list[ErrorCell] = []
        self.stray: StrayCell | None = None
        self._row = -1
        self._column = -1
        self._cell: tuple[int, int, str] | None = None
        self._holds = False
        self._text: list[str] = []
        self._in_value = False
        self.deepest = -1
        self.widest = -1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            reference = attributes.get("r", "")
            self._row = int(reference) - 1 if reference.isdigit() else self._row + 1
            self._column = -1
        elif local == "c":
            match = _REFERENCE.fullmatch(attributes.get("r", ""))
            if match is not None:
                self._row, self._column = int(match.group(2)) - 1, _column_index(match.group(1))
            else:
                self._column += 1
            self._cell = (self._row, self._column, attributes.get("t", "n"))
            self._holds = False
            self._text = []
        elif local in ("v", "is") and self._cell is not None:
            self._holds = True
        if local in ("v", "t") and self._cell is not None:
            self._in_value = True

    def end(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in ("v", "t"):
            self._in_value = False
        if local != "c" or self._cell is None:
            return
        row, column, kind = self._cell
        self._cell = None
        if not self._holds:
            return
        text = "".join(self._text)
        if not _within(row, column):
            self.stray = StrayCell(_reference(row, column), None if kind == "s" else text[:_SHOWN])
            raise _Stop
        self.deepest, self.widest = max(self.deepest, row), max(self.widest, column)
        if kind == "e":
            self.errors.append(ErrorCell(row, column, text.strip() or "#N/A"))

    def characters(self, data: str) -> None:
        if self._in_value and sum(map(len, self._text)) < _SHOWN:
            self._text.append(data)


def _scan_slow(stream: IO[bytes]) -> SheetScan:
    scan = _ExpatScan()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.characters
    parser.EntityDeclHandler = _refuse_entities
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError as error:
        raise PackageError(f"the sheet's XML cannot be read ({error})") from None
    if scan.stray is not None:
        return SheetScan(tuple(scan.errors), scan.stray)
    return SheetScan(tuple(scan.errors), None, _corner(scan.deepest, scan.widest))


def _refuse_entities(*_: object) -> None:
    # A worksheet never declares entities; one that does may be a billion-laughs expansion.
    raise PackageError("the sheet's XML declares entities")
