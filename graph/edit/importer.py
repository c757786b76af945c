"""Importing organisations and ties from spreadsheets (CSV or XLSX).

Columns (a header row; names in any case; extra columns are reported, not
silently dropped):

* organisations: ``id`` (optional stable key), ``name`` (Polish, required),
  ``name_en``, ``kind`` (notation, Polish or English label, any case),
  ``teryt`` (7-digit TERC code of the gmina), ``address``, ``nip``, ``regon``,
  ``krs``, ``source`` (URL or document title, required);
* ties: ``from``, ``to`` (an organisation's ``id``, NIP or exact Polish
  name), ``kind``, ``start``, ``end``, ``source``.

CSV files in UTF-8 (with or without BOM) or Windows-1250 (Polish Excel) are
detected (charset-normalizer) or the encoding is given; ``;``, ``,`` and tab
separators are detected.  An XLSX workbook may hold both tables, one per
sheet.  Input is bounded: a file of at most :data:`MAX_FILE_BYTES`, a
workbook that unpacks to at most :data:`MAX_EXPANDED_BYTES`, at most
:data:`MAX_ROWS` rows per table and :data:`MAX_COLUMNS` columns; a workbook
whose XML declares entities (billion laughs, XXE) is refused by name
(defusedxml, which openpyxl uses when installed).  :func:`plan_import` reports every problem with its file, spreadsheet
row (the header is row 1) and column, and writes nothing; the change it
returns is applied as a whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from ..errors import GraphError
from ..io import read_limited
from ..wording import count
from .changes import Change, EditError, Problem
from .draft import Draft, finish
from .ids import IdentifierError, check_krs, check_nip, check_regon
from .lookup import Context
from .naming import normalise_name, slugify
from .organisations import OrganisationInput, draft_organisation
from .ties import TieInput, draft_tie

__all__ = [
    "ORG_COLUMNS",
    "TIE_COLUMNS",
    "Table",
    "ImportPlan",
    "ImportError_",
    "detect_encoding",
    "read_table",
    "plan_import",
    "template_csv",
    "template_xlsx",
]

ORG_COLUMNS = ("id", "name", "name_en", "kind", "teryt", "address", "nip", "regon", "krs", "source")
TIE_COLUMNS = ("from", "to", "kind", "start", "end", "source")
REQUIRED = {"organisations": ("name", "kind", "teryt", "source"), "ties": ("from", "to", "kind", "start", "source")}
COLUMNS = {"organisations": ORG_COLUMNS, "ties": TIE_COLUMNS}
ENCODINGS = ("utf-8", "cp1250", "iso-8859-2")
_SKIP_SHEETS = {"help", "pomoc", "instrukcja", "readme"}
#: Limits of one import (SECURITY T20): a partnership's lists are hundreds of rows.
MAX_FILE_BYTES = 20 << 20
MAX_EXPANDED_BYTES = 100 << 20
MAX_ROWS = 10_000
MAX_COLUMNS = 100


class ImportError_(GraphError):
    """A file that cannot be read as a table at all."""


@dataclass
class Table:
    name: str  # file name (and sheet)
    kind: str  # "organisations" or "ties"
    header: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row, {column: value})
    letters: dict[str, str]  # column name -> letter
    encoding: str | None = None
    extra: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    change: Change | None
    problems: list[Problem]
    tables: list[Table]
    counts: dict[str, int]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------ reading


def detect_encoding(data: bytes) -> str:
    """``utf-8`` (BOM or not) when the bytes decode, else charset-normalizer's best of cp1250 / iso-8859-2."""
    try:
        data.decode("utf-8")
        return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported when needed: a CLI edit starts faster

    best = from_bytes(data, cp_isolation=["cp1250", "iso8859_2"]).best()
    if best is not None and best.encoding in ("cp1250", "iso8859_2"):
        return "cp1250" if best.encoding == "cp1250" else "iso-8859-2"
    return "cp1250"


def _cell(value) -> str | object:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value
    return str(value).strip()


def _table(name: str, header: list, body: list[tuple[int, list]], encoding: str | None) -> Table:
    cols = [str(h or "").strip().lstrip("\ufeff").lower() for h in header]
    if "from" in cols and "to" in cols:
        kind = "ties"
    elif "name" in cols:
        kind = "organisations"
    else:
        raise ImportError_(
            f"{name}: row 1 must be a header with the columns of organisations ({', '.join(ORG_COLUMNS)}) or ties ({', '.join(TIE_COLUMNS)})"
        )
    letters = {c: _column_letter(i + 1) for i, c in enumerate(cols) if c}
    extra = [c for c in cols if c and c not in COLUMNS[kind]]
    rows = []
    for rownum, values in body:
        cells = {c: _cell(values[i]) if i < len(values) else "" for i, c in enumerate(cols) if c in COLUMNS[kind]}
        if all(v == "" for v in cells.values()) and all(_cell(v) == "" for v in values):
            continue
        rows.append((rownum, cells))
    return Table(name, kind, cols, rows, letters, encoding, extra)


def _check_zip(data: bytes, name: str, max_expanded: int) -> None:
    """Refuse a workbook that is not a zip or unpacks to more than ``max_expanded`` bytes,
    before any XML is parsed (zipfile never inflates a member past its stated size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportError_(f"{name}: not a readable XLSX workbook (not a zip archive: {exc})") from None
    if expanded > max_expanded:
        raise ImportError_(
            f"{name}: the workbook unpacks to {expanded:,} bytes, over the limit of {max_expanded:,}; split it or save each sheet as CSV"
        )


def _xml_cause(exc: BaseException | None) -> Exception | None:
    """The XML error behind ``exc`` (openpyxl wraps them in a ValueError), if any."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException | ParseError):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _xml_problem(name: str, exc: Exception) -> ImportError_:
    if isinstance(exc, DefusedXmlException):
        return ImportError_(
            f"{name}: the workbook's XML declares entities or a DTD ({exc.__class__.__name__}), which Excel and "
            "LibreOffice never write (a billion-laughs or external-entity attack?); refused"
        )
    where = f" at line {exc.position[0]}, column {exc.position[1] + 1}" if getattr(exc, "position", None) else ""
    return ImportError_(f"{name}: the workbook's XML is damaged{where} ({exc}); save it again from the spreadsheet program")


def _limited_rows(rows, name: str, max_rows: int) -> list:
    out = []
    for row in rows:
        if isinstance(row, tuple):  # a worksheet row, padded to MAX_COLUMNS: drop the empty tail
            end = len(row)
            while end and row[end - 1] is None:
                end -= 1
            row = row[:end]
        if len(out) > max_rows:  # the header and max_rows rows are allowed
            raise ImportError_(f"{name}: more than {max_rows:,} rows; import at most {max_rows:,} rows at a time")
        out.append(row)
    return out


def _read_xlsx(data: bytes, name: str, *, max_rows: int, max_expanded: int) -> list[Table]:
    _check_zip(data, name, max_expanded)
    try:
        from openpyxl import load_workbook  # imported when needed (openpyxl imports numpy)

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ValueError around an XML error...
        if xml := _xml_cause(exc):
            raise _xml_problem(name, xml) from None
        raise ImportError_(f"{name}: not a readable XLSX workbook ({exc.__class__.__name__})") from None
    tables = []
    try:
        for ws in wb.worksheets:
            if ws.title.strip().lower() in _SKIP_SHEETS:
                continue
            sheet = f"{name} [{ws.title}]"
            if (ws.max_row or 0) > max_rows + 1:  # the size Excel declares (<dimension>); counted below as well
                raise ImportError_(f"{sheet}: more than {max_rows:,} rows; import at most {max_rows:,} rows at a time")
            rows = _limited_rows(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), sheet, max_rows)
            if not rows or all(v is None for v in rows[0]):
                continue
            body = [(i + 2, list(r)) for i, r in enumerate(rows[1:])]
            tables.append(_table(sheet, list(rows[0]), body, None))
    except Exception as exc:
        if xml := _xml_cause(exc):
            raise _xml_problem(name, xml) from None
        raise
    finally:
        wb.close()
    if not tables:
        raise ImportError_(f"{name}: no sheet with a header row")
    return tables


def read_table(
    data: bytes, name: str, *, encoding: str | None = None, max_rows: int = MAX_ROWS, max_expanded: int = MAX_EXPANDED_BYTES
) -> list[Table]:
    """The tables of one uploaded or named file: one for a CSV, one per sheet for an XLSX."""
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name, max_rows=max_rows, max_expanded=max_expanded)
    enc = encoding or detect_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportError_(
            f"{name}: cannot be read as {enc} ({exc.__class__.__name__}); choose the encoding (UTF-8 or Windows-1250)"
        ) from None
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count) if any(d in first for d in ";,\t") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [r[:MAX_COLUMNS] for r in _limited_rows(reader, name, max_rows)]
    except csv.Error as exc:
        raise ImportError_(f"{name}: row {reader.line_num}: {exc}") from None
    if not rows:
        raise ImportError_(f"{name}: the file is empty")
    body = [(i + 2, r) for i, r in enumerate(rows[1:])]
    return [_table(name, rows[0], body, "windows-1250" if enc == "cp1250" else enc)]


# ------------------------------------------------------------------ planning


def _at(problems: list[Problem], table: Table, row: int) -> list[Problem]:
    return [replace(p, file=table.name, row=row, column=table.letters.get(p.field)) for p in problems]


def _org_keys(cells: dict) -> list[tuple[str, str]]:
    keys = []
    if cells.get("id"):
        keys.append(("id", slugify(str(cells["id"]).removeprefix("eso:"))))
    for key, check in (("nip", check_nip), ("regon", check_regon), ("krs", check_krs)):
        if cells.get(key):
            try:
                keys.append((key, check(str(cells[key]))))
            except IdentifierError:
                pass
    if cells.get("name") and cells.get("teryt"):
        keys.append(("name", normalise_name(str(cells["name"])) + "@" + str(cells["teryt"]).strip()))
    return keys


def _teryt(value) -> str:
    text = str(value).strip()
    return text.zfill(7) if text.isdigit() and len(text) == 6 else text  # a leading zero lost in Excel


def plan_import(ctx: Context, tables: list[Table], *, who: str, shapes=None, check: bool = True) -> ImportPlan:
    """Check every row of every table; the change to apply (None when any error)."""
    from .check import check_change  # pySHACL: imported when a plan is checked, not to read a file (graph.edit.mirror.editing)

    draft = Draft(ctx)
    problems: list[Problem] = []
    counts = {"organisations": 0, "ties": 0}
    for t in tables:
        missing = [c for c in REQUIRED[t.kind] if c not in t.header]
        for c in missing:
            problems.append(Problem(c, f"brak wymaganej kolumny {c!r}", f"the required column {c!r} is missing", file=t.name, row=1))
        for c in t.extra:
            problems.append(
                Problem(
                    c,
                    f"kolumna {c!r} nie jest używana (znane: {', '.join(COLUMNS[t.kind])})",
                    f"column {c!r} is not used (known: {', '.join(COLUMNS[t.kind])})",
                    severity="warning",
                    file=t.name,
                    row=1,
                    column=t.letters.get(c),
                )
            )
    if any(p.severity == "error" for p in problems):
        return ImportPlan(None, problems, tables, counts)
    by_key: dict[tuple[str, str], object] = {}  # in-file keys -> IRI (or the row of a failed organisation)
    where: dict[str, tuple[Table, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for t in [t for t in tables if t.kind == "organisations"]:
        for rownum, cells in t.rows:
            dup = next(((k, seen[k]) for k in _org_keys(cells) if k in seen), None)
            if dup:
                fld = dup[0][0]
                problems.append(
                    Problem(
                        fld,
                        f"duplikat wiersza {dup[1]}",
                        f"duplicate of row {dup[1]}",
                        file=t.name,
                        row=rownum,
                        column=t.letters.get(fld),
                        rule="duplicate",
                    )
                )
                continue
            for k in _org_keys(cells):
                seen[k] = rownum
            n = len(draft.problems)
            inp = OrganisationInput(
                **{c: str(cells.get(c) or "") for c in ORG_COLUMNS if c != "teryt"}, teryt=_teryt(cells.get("teryt", ""))
            )
            iri = draft_organisation(draft, inp)
            problems += _at(draft.problems[n:], t, rownum)
            target = iri if iri is not None else ("failed", rownum)
            for key in ("id", "nip", "name"):
                if cells.get(key):
                    value = slugify(str(cells[key]).removeprefix("eso:")) if key == "id" else str(cells[key]).strip()
                    if key == "nip":
                        value = "".join(ch for ch in value if ch.isdigit())
                    by_key[(key, value)] = target
            if iri is not None:
                where[str(iri)] = (t, rownum)
                counts["organisations"] += 1

    def resolve(text: str, fld: str):
        text = str(text or "").strip()
        for key, value in (("id", slugify(text.removeprefix("eso:"))), ("nip", "".join(ch for ch in text if ch.isdigit())), ("name", text)):
            hit = by_key.get((key, value))
            if hit is not None:
                if isinstance(hit, tuple):
                    draft.error(
                        fld,
                        f"odwołanie do organizacji z błędami (wiersz {hit[1]})",
                        f"refers to an organisation with errors (row {hit[1]})",
                    )
                    return None
                return hit
        return None

    for t in [t for t in tables if t.kind == "ties"]:
        for rownum, cells in t.rows:
            n = len(draft.problems)
            inp = TieInput(
                from_=str(cells.get("from") or ""),
                to=str(cells.get("to") or ""),
                kind=str(cells.get("kind") or ""),
                start=cells.get("start"),
                end=cells.get("end"),
                source=str(cells.get("source") or ""),
            )
            tie = draft_tie(draft, inp, resolve=resolve)
            problems += _at(draft.problems[n:], t, rownum)
            if tie is not None:
                where[str(tie)] = (t, rownum)
                counts["ties"] += 1
    names = ", ".join(t.name for t in tables)
    if any(p.severity == "error" for p in problems):
        return ImportPlan(None, problems, tables, counts)
    draft.problems = [p for p in draft.problems if p.severity == "error"]  # warnings already reported with their rows
    try:
        change = finish(
            draft,
            op="import",
            what=f"import {names}: {count(counts['organisations'], 'organisation', 'en')}, {count(counts['ties'], 'tie', 'en')}",
            who=who,
        )
    except EditError as exc:
        return ImportPlan(None, problems + list(exc.problems), tables, counts)
    if check and not change.empty:
        for p in check_change(ctx, change, shapes=shapes):
            t, rownum = where.get(p.focus or "", (None, None))
            problems.append(replace(p, file=t.name, row=rownum, column=t.letters.get(p.field)) if t else p)
        if any(p.severity == "error" for p in problems):
            return ImportPlan(None, problems, tables, counts)
    return ImportPlan(change, problems, tables, counts)


# ------------------------------------------------------------------ templates


def template_csv(kind: str) -> bytes:
    """A header-only CSV template (UTF-8 with BOM and ``;``, as Polish Excel opens it)."""
    return ("\ufeff" + ";".join(COLUMNS[kind]) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook with the two tables (sheets ``organisations`` and ``ties``) and a help sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "organisations"
    ws.append(list(ORG_COLUMNS))
    ws2 = wb.create_sheet("ties")
    ws2.append(list(TIE_COLUMNS))
    help_ = wb.create_sheet("help")
    for row in HELP_ROWS:
        help_.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HELP_ROWS = (
    ("table", "column", "required", "meaning (pl)", "meaning (en)"),
    (
        "organisations",
        "id",
        "no",
        "stały klucz (np. mops-starachowice); bez niego IRI z identyfikatorów lub nazwy",
        "stable key; without it the IRI comes from the identifiers or the name",
    ),
    ("organisations", "name", "yes", "nazwa po polsku", "Polish name"),
    ("organisations", "name_en", "no", "nazwa po angielsku", "English name"),
    (
        "organisations",
        "kind",
        "yes",
        "rodzaj: kod (np. social_cooperative) lub nazwa po polsku/angielsku",
        "kind: notation or Polish/English label",
    ),
    ("organisations", "teryt", "yes", "7-cyfrowy kod TERC gminy siedziby (np. 2611011)", "7-digit TERC code of the seat's gmina"),
    ("organisations", "address", "no", "adres", "address"),
    ("organisations", "nip", "no", "NIP (10 cyfr, sprawdzana cyfra kontrolna)", "NIP (10 digits, check digit verified)"),
    ("organisations", "regon", "no", "REGON (9 lub 14 cyfr)", "REGON (9 or 14 digits)"),
    ("organisations", "krs", "no", "numer KRS (10 cyfr)", "KRS number (10 digits)"),
    ("organisations", "source", "yes", "źródło: adres URL lub tytuł dokumentu", "source: a URL or a document title"),
    ("ties", "from", "yes", "od: id, NIP lub dokładna nazwa organizacji", "from: an organisation's id, NIP or exact name"),
    ("ties", "to", "yes", "do: id, NIP lub dokładna nazwa organizacji", "to: an organisation's id, NIP or exact name"),
    ("ties", "kind", "yes", "rodzaj powiązania (np. funding / finansowanie)", "tie kind (e.g. funding)"),
    ("ties", "start", "yes", "data początku RRRR-MM-DD", "start date YYYY-MM-DD"),
    ("ties", "end", "no", "data końca RRRR-MM-DD", "end date YYYY-MM-DD"),
    ("ties", "source", "yes", "źródło: adres URL lub tytuł dokumentu", "source: a URL or a document title"),
)


def read_files(paths: list[str | Path], *, encoding: str | None = None) -> list[Table]:
    """Tables from files on disk (the CLI)."""
    tables = []
    for p in paths:
        path = Path(p)
        data = read_limited(path, max_bytes=MAX_FILE_BYTES, setting="the import limit")
        tables += read_table(data, path.name, encoding=encoding)
    return tables


def _column_letter(n: int) -> str:
    """Excel's column name of the 1-based column ``n`` (1 -> A, 27 -> AA), as openpyxl names it.

    >>> [_column_letter(n) for n in (1, 26, 27, 702, 703)]
    ['A', 'Z', 'AA', 'ZZ', 'AAA']
    """
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
