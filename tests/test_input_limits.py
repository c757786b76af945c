"""Bounded input (SECURITY T20, first half): what is not a regular file is refused
at once, at most the limit is read whatever ``stat()`` says, long inline queries
are text, and hostile or huge workbooks get a clear message instead of a
traceback or minutes of parsing."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph.cli import main
from graph.edit.importer import ORG_COLUMNS, ImportError_, read_table
from graph.errors import DataError
from graph.io import read_bytes, read_limited


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    p = tmp_path / "dane.ttl"
    os.mkfifo(p)
    return p


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: Path("/dev/zero"), "/dev/zero: is a character device, not a regular file"),
        (lambda tmp: (tmp / "dane.ttl", os.mkfifo(tmp / "dane.ttl"))[0], "dane.ttl: is a named pipe (FIFO), not a regular file"),
        (
            lambda tmp: (tmp / "los.ttl", (tmp / "los.ttl").symlink_to("/dev/urandom"))[0],
            "los.ttl: is a character device (a link to /dev/urandom), not a regular file",
        ),
    ],
    ids=["dev-zero", "fifo", "link-to-urandom"],
)
def test_what_is_not_a_regular_file_is_refused_at_once(make, message, tmp_path: Path, capsys):
    path = make(tmp_path)
    assert main(["stats", "--data", str(path)]) == 2  # a FIFO with no writer would block a plain open()
    assert message in capsys.readouterr().err


def test_at_most_the_limit_is_read_whatever_stat_says(tmp_path: Path):
    status = Path("/proc/self/status")  # a regular file whose size reads as 0
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 100
    with pytest.raises(DataError, match=r"over the limit of 64 bytes \(GRAPH_MAX_FILE_BYTES\)"):
        read_limited(status, max_bytes=64)
    small = tmp_path / "a.ttl"
    small.write_bytes(b"<a:b> <a:c> <a:d> .\n")
    assert read_limited(small, max_bytes=20) == small.read_bytes()


def test_an_oversized_data_file_is_named_with_the_setting(tmp_path: Path):
    big = tmp_path / "duzy.ttl"
    big.write_bytes(b"# " + b"x" * 5000 + b"\n")
    with pytest.raises(DataError, match=r"duzy.ttl: file is 5,003 bytes, over the limit of 1,000 bytes \(GRAPH_MAX_FILE_BYTES\)"):
        read_bytes(big, max_bytes=1000)


@pytest.mark.timeout(60)
def test_an_import_never_reads_or_replaces_a_fifo(fifo: Path, tmp_path: Path, capsys):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("name;kind;teryt;source\nFundacja Rury;foundation;2611011;Statut\n", encoding="utf-8")
    assert main(["import", str(orgs), "--data", str(fifo), "--user", "Ala"]) == 2
    assert "named pipe (FIFO)" in capsys.readouterr().err
    assert fifo.is_fifo()  # not replaced by a written file
    assert main(["import", str(fifo), "--user", "Ala"]) == 2  # nor read as a spreadsheet
    assert "named pipe (FIFO)" in capsys.readouterr().err


def test_an_inline_query_longer_than_a_file_name_runs(capsys):
    filters = " ".join(f"FILTER(?n != {i})" for i in range(40))
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?p HAVING(COUNT(*) > 0) ORDER BY ?n LIMIT 1 # {filters}"
    assert len(text) > 255
    assert main(["query", text, "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n" and int(out[1]) >= 1


# ------------------------------------------------------------------ workbooks


def _workbook(rows: int = 1, *, write_only: bool = False) -> bytes:
    """A workbook of ``rows`` organisations; ``write_only`` ones declare no size (no <dimension>)."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("organisations") if write_only else wb.active
    ws.title = "organisations"
    ws.append(list(ORG_COLUMNS))
    for i in range(rows):
        ws.append(["", f"Org {i}", "", "association", "2611011", "", "", "", "", "Statut"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _patched(data: bytes, member: str, change) -> bytes:
    """The workbook with one member's XML changed (as an attacker would edit it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


def _with_doctype(doctype: bytes, entity: bytes):
    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            xml = xml.split(b"?>", 1)[1]
        assert b"<t>Org 0</t>" in xml
        return b'<?xml version="1.0"?>' + doctype + xml.replace(b"<t>Org 0</t>", b"<t>" + entity + b"</t>")

    return change


LAUGHS = (
    b"<!DOCTYPE lolz [<!ENTITY lol0 'lol'>"
    + b"".join(b"<!ENTITY lol%d '%s'>" % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype, entity", [(LAUGHS, b"&lol9;"), (XXE, b"&xxe;")], ids=["billion-laughs", "xxe"])
def test_a_workbook_declaring_entities_is_refused_by_name(doctype, entity, tmp_path: Path, capsys):
    hostile = _patched(_workbook(), "xl/worksheets/sheet1.xml", _with_doctype(doctype, entity))
    with pytest.raises(ImportError_, match=r"lista.xlsx: the workbook's XML declares entities or a DTD \(EntitiesForbidden\)"):
        read_table(hostile, "lista.xlsx")
    path = tmp_path / "lista.xlsx"
    path.write_bytes(hostile)
    assert main(["import", str(path), "--dry-run", "--user", "Ala"]) == 2
    err = capsys.readouterr().err
    assert "declares entities" in err and "Traceback" not in err and "root:" not in err


def test_a_damaged_workbook_names_the_place():
    broken = _patched(_workbook(), "xl/worksheets/sheet1.xml", lambda xml: xml[:-30])
    with pytest.raises(ImportError_, match=r"lista.xlsx: the workbook's XML is damaged at line 1, column \d+"):
        read_table(broken, "lista.xlsx")


@pytest.mark.parametrize("write_only", [False, True], ids=["declared-size", "counted"])
def test_rows_and_unpacked_size_are_capped(write_only):
    data = _workbook(rows=3, write_only=write_only)
    assert len(read_table(data, "lista.xlsx", max_rows=3)[0].rows) == 3
    with pytest.raises(ImportError_, match=r"lista.xlsx \[organisations\]: more than 2 rows; import at most 2 rows at a time"):
        read_table(data, "lista.xlsx", max_rows=2)
    expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    with pytest.raises(ImportError_, match=rf"unpacks to {expanded:,} bytes, over the limit of 10,000"):
        read_table(data, "lista.xlsx", max_expanded=10_000)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["name", "kind", "teryt", "source"])
    w.writerows([[f"Org {i}", "association", "2611011", "Statut"] for i in range(3)])
    with pytest.raises(ImportError_, match=r"orgs.csv: more than 2 rows"):
        read_table(buf.getvalue().encode(), "orgs.csv", max_rows=2)


@pytest.mark.timeout(60)
def test_a_history_that_is_a_fifo_is_refused(fifo: Path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPH_HISTORY", str(fifo))
    assert main(["history"]) == 2
    assert "named pipe (FIFO)" in capsys.readouterr().err
