"""Laws: parse(serialise(g)) is isomorphic to g, in every accepted format."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from graph.io import parse_bytes
from graph.terms import to_rdflib

iris = st.builds(lambda s: URIRef("https://w3id.org/es-pl/id/org/" + s), st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12))
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
literals = st.one_of(
    st.builds(lambda t: Literal(t, lang="pl"), texts),
    st.builds(Literal, texts),
    st.builds(lambda d: Literal(d.isoformat(), datatype=XSD.date), st.dates()),
    st.builds(Literal, st.integers(-(10**12), 10**12)),
)
triples = st.lists(st.tuples(iris, iris, st.one_of(iris, literals)), max_size=25)

FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "trig": "TRIG", "json-ld": "JSON_LD"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples, st.sampled_from(sorted(FORMATS)))
def test_serialise_then_parse_is_isomorphic(ts, fmt):
    import pyoxigraph as ox

    g = Graph()
    for t in ts:
        g.add(t)
    data = g.serialize(format=fmt).encode("utf-8")
    if not g:
        return
    quads = parse_bytes(data, getattr(ox.RdfFormat, FORMATS[fmt]), f"roundtrip.{fmt}")
    back = Graph()
    for q in quads:
        back.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    assert isomorphic(g, back), fmt
    assert len(back) == len(g)
