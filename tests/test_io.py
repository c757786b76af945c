"""Reading files: every bad input names the file, the place and the problem (T3, T12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.errors import DataError
from graph.io import load_graph, parse_file
from graph.store import OxigraphStore

HEAD = "@prefix ex: <http://example.org/> .\n"

BAD = [
    # (name, content, line, column, words in the problem)
    ("missing-dot.ttl", HEAD + "ex:a ex:b ex:c\nex:d ex:e ex:f .\n", 3, None, "dot"),
    ("undefined-prefix.ttl", HEAD + "ex:a ex:b foo:c .\n", 2, 11, "foo"),
    ("latin1.ttl", (HEAD + 'ex:a ex:b "caf').encode() + b"\xe9" + b'" .\n', 2, 15, "UTF-8"),
    ("bom.ttl", b"\xef\xbb\xbf" + HEAD.encode(), 1, 1, "byte-order mark"),
    ("space-iri.ttl", HEAD + "<a b> ex:b ex:c .\n", 2, None, ""),
    ("literal-subject.ttl", HEAD + '"x" ex:b ex:c .\n', 2, None, ""),
]


@pytest.mark.parametrize("name,content,line,column,words", BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_named_with_its_place(tmp_path: Path, name, content, line, column, words):
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DataError) as info:
        parse_file(p)
    err = info.value
    assert err.source == str(p)
    assert err.line == line
    if column is not None:
        assert err.column == column
    assert words.lower() in err.problem.lower()
    assert str(err).startswith(f"{p}:{line}")


def test_missing_empty_binary_files_have_their_own_message(tmp_path: Path):
    with pytest.raises(DataError, match="file not found"):
        parse_file(tmp_path / "nope.ttl")
    (tmp_path / "empty.ttl").write_text("  \n")
    with pytest.raises(DataError, match="file is empty"):
        parse_file(tmp_path / "empty.ttl")
    (tmp_path / "bin.ttl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DataError, match="binary"):
        parse_file(tmp_path / "bin.ttl")


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    p = tmp_path / "big.ttl"
    p.write_text(HEAD + "ex:a ex:b ex:c .\n" * 100)
    with pytest.raises(DataError, match="over the limit of 100"):
        parse_file(p, max_bytes=100)


def test_rdfxml_is_refused(tmp_path: Path):
    p = tmp_path / "x.rdf"
    p.write_text("<rdf:RDF/>")
    with pytest.raises(DataError, match="RDF/XML is not accepted"):
        parse_file(p)


@pytest.mark.parametrize("content", ["/etc/passwd", "file:///etc/hostname", "http://127.0.0.1:9/data.ttl"])
def test_a_location_given_as_content_is_a_syntax_error_not_a_fetch(tmp_path: Path, content):
    p = tmp_path / "loc.ttl"
    p.write_text(content)
    with pytest.raises(DataError) as info:
        parse_file(p)
    assert info.value.line == 1


def test_remote_jsonld_context_is_not_fetched(tmp_path: Path):
    p = tmp_path / "ctx.jsonld"
    p.write_text('{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://example.org/a", "name": "x"}')
    with pytest.raises(DataError, match="remote context"):
        parse_file(p)


def test_a_bad_file_leaves_the_store_unchanged(tmp_path: Path, tiny_file: Path):
    store = OxigraphStore()
    store.load_files([tiny_file])
    before = len(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text(HEAD + "ex:a ex:b .\n")
    with pytest.raises(DataError):
        store.load_files([tiny_file, bad])
    assert len(store) == before


def test_formats_load_to_isomorphic_graphs(tmp_path: Path, tiny_file: Path):
    g = load_graph([tiny_file])
    for fmt, suffix in (("nt", ".nt"), ("trig", ".trig"), ("json-ld", ".jsonld")):
        p = tmp_path / f"tiny{suffix}"
        p.write_text(g.serialize(format=fmt))
        other = load_graph([p])
        if not isomorphic(g, other):
            _, only_a, only_b = graph_diff(to_isomorphic(g), to_isomorphic(other))
            pytest.fail(f"{fmt}: only in turtle {sorted(only_a)[:5]}, only in {fmt} {sorted(only_b)[:5]}")
    assert len(g) == len(rdflib.Graph().parse(tiny_file))
