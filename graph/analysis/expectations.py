"""Expectations as data: SHACL shapes (``data/expectations.ttl``) checked as findings.

Coordinators change what they expect by editing the shapes file, not code.
Each shape has a title (``rdfs:label`` @pl/@en), a severity and a SPARQL
constraint (``sh:sparql``) whose message (``sh:message`` @pl/@en) says what is
wrong; ``sh:deactivated true`` switches a rule off.

Two engines give the same findings (a test holds them to it):

* ``pyshacl`` - the reference: pySHACL over an rdflib copy of the data;
* ``oxigraph`` - each SPARQL constraint run once over every focus node: the
  target becomes a sub-select that binds ``?this`` at the top of the
  constraint's WHERE group.  It needs shapes whose constraints are all
  ``sh:sparql`` and whose targets are class, node, subjects-of or objects-of
  targets, each binding ``$this`` with a triple pattern (as in the bundled
  file).  Tens of times faster on large data.

Each rule also says which kind of finding it gives (``es:findingKind``:
``es:cooperationGap`` or ``es:dataGap``, the latter never ``sh:Violation``)
and may name the kind whose verified absence (``es:absentKind``, records in
``data/absences.ttl``) lets the finding state the absence as a fact, worded
by ``es:verifiedMessage`` (see :mod:`graph.analysis.absences`).

``auto`` (the default) takes ``oxigraph`` where the shapes allow it.  The data
must hold the vocabulary (``esk:pes skos:member ?kind``) and the territory
(``schema:containedInPlace``); :func:`graph.store.open_store` loads both.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from pyparsing import ParseResults
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql.parser import parseQuery

from ..bind import block_end, inject_rows, skip_token, where_brace
from ..errors import DataError, GraphError, QueryError
from ..guard import check_query
from ..io import load_graph
from ..library import internal_query
from ..model import ES
from ..settings import EXPECTATIONS_FILE
from ..store import Store
from ..terms import sparql_term
from ..validate import SEVERITY, text_in
from .absences import absence_text, matching, verified_absences
from .dates import snapshot_store
from .errors import ExpectationsError
from .findings import Finding, Resource

__all__ = ["EXPECTATIONS_FILE", "ENGINES", "Expectation", "load_expectations", "describe_expectations", "check_expectations"]

ENGINES: tuple[str, ...] = ("auto", "oxigraph", "pyshacl")

_KIND = {ES.cooperationGap: "cooperation", ES.dataGap: "data"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_THIS = re.compile(r"\$this\b")
#: What SHACL-SPARQL (and pySHACL) refuse in a constraint's SELECT, by parse-tree node.
_REFUSED_IN_CONSTRAINTS = {
    "InlineData": "VALUES",
    "ValuesClause": "VALUES",
    "MinusGraphPattern": "MINUS",
    "ServiceGraphPattern": "SERVICE",
}


@dataclass(frozen=True)
class Expectation:
    """One rule of the expectations file, as a coordinator sees it."""

    iri: str
    code: str  # the shape's local name, e.g. "gmina-has-pes"
    title: str
    title_en: str
    severity: str
    message: str
    message_en: str
    active: bool
    #: SPARQL texts ready for the fast engine (empty when it cannot run the shape)
    queries: tuple[str, ...] = ()
    #: "cooperation" (a gap in cooperation) or "data" (a gap in the data)
    kind: str = "cooperation"
    #: the kind (IRI) whose verified absence at the focus confirms a finding ("": none)
    absent_kind: str = ""
    verified_message: str = ""
    verified_message_en: str = ""


def _code(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


def _text(g: rdflib.Graph, node, prop, lang: str) -> str:
    return text_in(g, node, prop, lang) or ""


def _prefix_lines(shapes: rdflib.Graph, constraint) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>\n")
    return "".join(sorted(set(lines)))


def subclass_closure(pairs) -> dict[str, set[str]]:
    """Each class of ``(sub, super)`` pairs with every class below it (itself included)."""
    below: dict[str, set[str]] = {}
    for sub, sup in pairs:
        if sub and sup:
            below.setdefault(sup, set()).add(sub)
    closure: dict[str, set[str]] = {}
    for top in below:
        seen, todo = {top}, [top]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closure[top] = seen
    return closure


def _target_block(shapes: rdflib.Graph, shape, subclasses: dict[str, set[str]] | None = None) -> str | None:
    """A sub-select binding ``?this`` to every focus node of ``shape`` (None: not supported).

    A class target lists the class and its subclasses (``subclasses``, read
    from the data; else those the shapes declare) in VALUES rather than the
    path ``rdf:type/rdfs:subClassOf*``: Virtuoso 7.2 evaluates that path in a
    sub-select wrongly (findings were lost without an error), and every
    tested server evaluates the VALUES form alike.
    """
    if (shape, RDF.type, RDFS.Class) in shapes or any(shapes.objects(shape, SH.target)):
        return None
    if subclasses is None:
        subclasses = subclass_closure((str(a), str(b)) for a, b in shapes.subject_objects(RDFS.subClassOf))
    parts = []
    for c in shapes.objects(shape, SH.targetClass):
        classes = sorted(subclasses.get(str(c), set()) | {str(c)})
        values = " ".join(sparql_term(rdflib.URIRef(x)) for x in classes)
        parts.append(f"{{ VALUES ?_class {{ {values} }} ?this <{RDF.type}> ?_class }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {sparql_term(p)} ?_o }}")
    for p in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {sparql_term(p)} ?this }}")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _fast_query(prefixes: str, select: str, target: str) -> str:
    """The constraint over every focus node at once.

    ``$this`` becomes ``?this``; the target sub-select opens the WHERE group;
    each top-level ``FILTER NOT EXISTS { ... ?this ... }`` becomes ``MINUS``,
    which Oxigraph evaluates once as an anti-join instead of once per row
    (the two agree when the block binds ``?this`` and every variable it
    shares with the rest in a triple pattern, as SHACL-SPARQL constraints
    written against ``$this`` do).
    """
    text = _anti_joins(_THIS.sub("?this", select))
    brace = where_brace(text)
    head = text[:brace]
    if not re.search(r"\?this\b|\*", head):
        head = re.sub(r"(?i)\bSELECT(\s+(DISTINCT|REDUCED))?", lambda m: m.group(0) + " ?this", head, count=1)
    return prefixes + head + "{ " + target + " " + text[brace + 1 :]


_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)


def _anti_joins(text: str) -> str:
    """Top-level ``FILTER NOT EXISTS { ... ?this ... }`` blocks of the WHERE group as ``MINUS``."""
    start = where_brace(text)
    out, i, depth, last = [], start + 1, 1, start + 1
    while i < len(text) and depth > 0:
        j = skip_token(text, i)
        if j != i:
            i = j
            continue
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 1 and (m := _NOT_EXISTS.match(text, i)):
            end = block_end(text, m.end() - 1)
            if re.search(r"\?this\b", text[m.end() : end]):
                out.append(text[last:i] + "MINUS {")
                last = m.end()
            i = m.end()
            depth += 1
            continue
        i += 1
    return text[: start + 1] + "".join(out) + text[last:] if out else text


def _check_syntax(prefixes: str, select: str, where: str) -> None:
    """A constraint both engines can run: parses, names $this, reaches nowhere (SECURITY T1)."""
    problem = _syntax_problem(prefixes, select)
    if problem is not None:
        raise ExpectationsError(where, problem)


@functools.lru_cache(maxsize=256)
def _syntax_problem(prefixes: str, select: str) -> str | None:
    """What is wrong with a constraint's text (None: nothing); remembered, as rdflib's
    parser takes tens of milliseconds per constraint and the file is read for every report."""
    if not _THIS.search(select):
        return "the sh:select never names $this (the node being checked)"
    try:
        form = check_query(prefixes + select)
    except GraphError as exc:  # QueryError (syntax), QueryRefused (SERVICE, remote FROM)
        return f"sh:select: {exc}"
    if form != "SELECT":
        return f"sh:select must be a SELECT query, not {form}"
    for node in _walk(parseQuery(prefixes + select)):
        name = getattr(node, "name", None)
        if name in _REFUSED_IN_CONSTRAINTS:
            return f"sh:select: {_REFUSED_IN_CONSTRAINTS[name]} is not allowed in a SHACL-SPARQL constraint"
    return None


def _walk(node):
    yield node
    if isinstance(node, dict):  # CompValue
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list | tuple | ParseResults):
        for v in node:
            yield from _walk(v)


def describe_expectations(shapes: rdflib.Graph, subclasses: dict[str, set[str]] | None = None) -> tuple[Expectation, ...]:
    """The rules of ``shapes`` with titles, messages and severities, in file order of IRIs.

    ``subclasses`` (from :func:`subclass_closure` over the data) gives the
    classes a class target covers; by default those the shapes declare.
    """
    out = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if not isinstance(shape, rdflib.URIRef):
            continue
        constraints = list(shapes.objects(shape, SH.sparql))
        first = constraints[0] if constraints else shape
        active = not any(v.toPython() is True for v in shapes.objects(shape, SH.deactivated) if isinstance(v, rdflib.Literal))
        queries: list[str] = []
        target = _target_block(shapes, shape, subclasses)
        others = {p for p in shapes.predicates(shape) if str(p).startswith(str(SH))} - {
            SH.sparql,
            SH.severity,
            SH.message,
            SH.deactivated,
            SH.name,
            SH.description,
            SH.order,
            SH.group,
            *_TARGETS,
        }
        if target is not None and not others:
            for c in constraints:
                if any(v.toPython() is True for v in shapes.objects(c, SH.deactivated) if isinstance(v, rdflib.Literal)):
                    continue
                select = shapes.value(c, SH.select)
                queries.append(_fast_query(_prefix_lines(shapes, c), str(select), target))
        out.append(
            Expectation(
                iri=str(shape),
                code=_code(str(shape)),
                title=_text(shapes, shape, RDFS.label, "pl") or _code(str(shape)),
                title_en=_text(shapes, shape, RDFS.label, "en") or _text(shapes, shape, RDFS.label, "pl") or _code(str(shape)),
                severity=SEVERITY.get(shapes.value(shape, SH.severity), "violation"),
                message=_text(shapes, first, SH.message, "pl") or _text(shapes, shape, SH.message, "pl"),
                message_en=_text(shapes, first, SH.message, "en") or _text(shapes, shape, SH.message, "en"),
                active=active,
                queries=tuple(queries) if (target is not None and not others and constraints) else (),
                kind=_KIND.get(shapes.value(shape, ES.findingKind), "cooperation"),
                absent_kind=str(shapes.value(shape, ES.absentKind) or ""),
                verified_message=_text(shapes, shape, ES.verifiedMessage, "pl"),
                verified_message_en=_text(shapes, shape, ES.verifiedMessage, "en") or _text(shapes, shape, ES.verifiedMessage, "pl"),
            )
        )
    return tuple(out)


def load_expectations(path: str | Path = EXPECTATIONS_FILE) -> rdflib.Graph:
    """The shapes of an expectations file.

    Raises :class:`ExpectationsError` naming the file (and place) when it
    cannot be read, holds no shape, a shape has no target or an unknown
    severity, a SPARQL constraint does not parse or never names ``$this``, or
    pySHACL's own check of the shapes (SHACL for SHACL) fails.
    """
    where = str(path)
    try:
        shapes = load_graph([path])
    except DataError as exc:
        raise ExpectationsError(exc.source, exc.problem, exc.line, exc.column) from None
    node_shapes = [s for s in set(shapes.subjects(RDF.type, SH.NodeShape)) if isinstance(s, rdflib.URIRef | rdflib.BNode)]
    if not node_shapes and not any(shapes.subjects(RDF.type, SH.PropertyShape)):
        raise ExpectationsError(where, "holds no SHACL shape (sh:NodeShape with a target and a constraint)")
    for shape in sorted(node_shapes, key=str):
        name = f"{where}: shape {shape}"
        if not any(True for t in (*_TARGETS, SH.target) for _ in shapes.objects(shape, t)) and (shape, RDF.type, RDFS.Class) not in shapes:
            raise ExpectationsError(name, "has no target (sh:targetClass, sh:targetNode, sh:targetSubjectsOf or sh:targetObjectsOf)")
        severity = shapes.value(shape, SH.severity)
        if severity is not None and severity not in SEVERITY:
            raise ExpectationsError(name, f"unknown sh:severity {severity}; use sh:Violation, sh:Warning or sh:Info")
        kind = shapes.value(shape, ES.findingKind)
        if kind is not None and kind not in _KIND:
            raise ExpectationsError(name, f"unknown es:findingKind {kind}; use es:cooperationGap or es:dataGap")
        if kind == ES.dataGap and severity in (None, SH.Violation):
            raise ExpectationsError(name, "a gap in the data (es:dataGap) is never a violation; use sh:Warning or sh:Info")
        for c in shapes.objects(shape, SH.sparql):
            selects = list(shapes.objects(c, SH.select))
            if len(selects) != 1:
                raise ExpectationsError(name, "a sh:sparql constraint needs exactly one sh:select")
            _check_syntax(_prefix_lines(shapes, c), str(selects[0]), name)
    try:
        pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True, inference="none")
    except Exception as exc:  # pySHACL: ReportableRuntimeError, ConstraintLoadError, ...
        raise ExpectationsError(
            where, f"not valid SHACL: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        ) from None
    return shapes


def _lookup(store: Store, iris: set[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Labels (pl, en) and source documents of ``iris``, bound in VALUES blocks of checked IRIs."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    items = sorted(iris)
    for i in range(0, len(items), 400):
        chunk = items[i : i + 400]
        _, rows = store.select_values(inject_rows(internal_query("list_resource_labels"), "s", [rdflib.URIRef(x) for x in chunk]))
        for s, label, label_en, src in rows:
            lab, lab_en, srcs = out.setdefault(s, (label or label_en or s, label_en or label or s, []))
            if src and src not in srcs:
                srcs.append(src)
    return {k: (a, b, tuple(sorted(c))) for k, (a, b, c) in out.items()}


def _run_pyshacl(store: Store, shapes: rdflib.Graph) -> list[tuple]:
    """(rule, focus, value, severity, message pl, message en) of each pySHACL result."""
    data = store.to_graph()
    try:
        _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True)
    except Exception as exc:
        raise ExpectationsError("expectations", f"not valid SHACL: {exc}") from None
    if not isinstance(results, rdflib.Graph):  # pySHACL's ValidationFailure: a constraint it refuses
        raise ExpectationsError("expectations", f"not valid SHACL: {results}")
    rows = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        source = results.value(r, SH.sourceShape)
        # a property shape's result belongs to the node shape that holds it (the rule)
        rule = next(iter(shapes.subjects(SH.property, source)), source) if not isinstance(source, rdflib.URIRef) else source
        value = results.value(r, SH.value)
        rows.append(
            (
                str(rule),
                str(results.value(r, SH.focusNode)),
                str(value) if value is not None else None,
                SEVERITY.get(results.value(r, SH.resultSeverity)),
                _text(results, r, SH.resultMessage, "pl") or None,
                _text(results, r, SH.resultMessage, "en") or None,
            )
        )
    return rows


def _run_oxigraph(store: Store, rules: tuple[Expectation, ...]) -> list[tuple]:
    """(rule, focus, value, None, None, None) of each row of the rules' queries (evaluated at
    once: :meth:`graph.store.Store.select_values_many`)."""
    asked = [(rule, text) for rule in rules for text in rule.queries]
    try:
        answers = store.select_values_many([text for _, text in asked])
    except QueryError:  # one after the other: the error named by the rule whose constraint cannot run
        answers = []
        for rule, text in asked:
            try:
                answers.append(store.select_values(text))
            except QueryError as exc:
                raise ExpectationsError(rule.iri, f"the constraint cannot run: {exc}") from None
    rows = []
    for (rule, _), (names, found) in zip(asked, answers):
        i_this = names.index("this")
        i_value = names.index("value") if "value" in names else None
        for row in found:
            rows.append((rule.iri, row[i_this], row[i_value] if i_value is not None else None, None, None, None))
    return rows


def check_expectations(
    store: Store,
    shapes: rdflib.Graph | None = None,
    *,
    as_of: dt.date | str | None = None,
    engine: str = "auto",
    absences=None,
) -> tuple[Finding, ...]:
    """Findings of the expectations on the data valid on ``as_of`` (None: every tie).

    Each finding carries its rule's kind (``cooperation`` or ``data``).  A
    verified absence (``absences``; default: the records in ``store``) about
    the focus, of the rule's ``es:absentKind`` and checked on or before
    ``as_of``, turns the finding into a stated fact: the rule's
    ``es:verifiedMessage`` with the record's day, checker and source, kind
    ``cooperation``, the record first in the basis.

    ``engine``: ``"pyshacl"`` (the reference), ``"oxigraph"`` (one query per
    constraint over every focus node) or ``"auto"`` (oxigraph where the
    shapes allow).  Findings are sorted by severity, rule and focus IRI, one
    per (rule, focus, value).
    """
    if engine not in ENGINES:
        raise ExpectationsError("engine", f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    shapes = shapes if shapes is not None else load_expectations()
    data = snapshot_store(store, as_of)
    subclasses = subclass_closure(
        [*data.select_values(internal_query("list_subclasses"))[1], *((str(a), str(b)) for a, b in shapes.subject_objects(RDFS.subClassOf))]
    )
    rules = describe_expectations(shapes, subclasses)
    active = tuple(r for r in rules if r.active)
    fast_ok = all(r.queries for r in active)
    if engine == "oxigraph" and not fast_ok:
        bad = next(r for r in active if not r.queries)
        raise ExpectationsError(
            bad.iri, "the oxigraph engine runs only sh:sparql constraints with class, node, subjects-of or objects-of targets"
        )
    absences = verified_absences(store) if absences is None else tuple(absences)
    if engine == "pyshacl" or (engine == "auto" and not fast_ok):
        raw = _run_pyshacl(data, shapes)
    else:
        raw = _run_oxigraph(data, active)
    by_iri = {r.iri: r for r in rules}
    # one finding per (rule, focus, value)
    unique: dict[tuple, tuple] = {}
    for row in raw:
        unique.setdefault(row[:3], row)
    raw = sorted(unique.values(), key=lambda t: (t[0], t[1], t[2] or ""))
    info = _lookup(data, {t[1] for t in raw} | {t[2] for t in raw if t[2]})
    as_of_s = None if as_of is None else str(as_of)
    findings = []
    for shape, focus, value, severity, msg_pl, msg_en in raw:
        rule = by_iri.get(shape) or Expectation(shape, _code(shape), _code(shape), _code(shape), "violation", "", "", True)
        message = rule.message or msg_pl or msg_en or rule.title
        message_en = rule.message_en or msg_en or message
        label, label_en, sources = info.get(focus, (focus, focus, ()))
        checked = matching(absences, focus, [rule.absent_kind], as_of_s) if rule.absent_kind else None
        basis = [checked.iri] if checked else []
        basis.append(shape)
        if value and value != focus:
            basis.append(value)
            basis.extend(info.get(value, ("", "", ()))[2])
        basis.extend(sources)
        if checked:
            text_pl = f"{label}: {absence_text(checked, 'pl', rule.verified_message)}."
            text_en = f"{label_en}: {absence_text(checked, 'en', rule.verified_message_en)}."
        else:
            text_pl, text_en = f"{label}: {message}", f"{label_en}: {message_en}"
        findings.append(
            Finding(
                category="expectation",
                code=rule.code,
                severity=severity or rule.severity,
                resources=(Resource(focus, label, label_en),),
                text_pl=text_pl,
                text_en=text_en,
                basis=tuple(dict.fromkeys(basis)),
                data=(("rule", rule.title), ("rule_en", rule.title_en), ("as_of", as_of_s), ("verified", checked.iri if checked else None)),
                kind="cooperation" if checked else rule.kind,
            )
        )
    order = {"violation": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order.get(f.severity, 3), f.code, f.resources[0].label, f.resources[0].iri, f.basis))
    return tuple(findings)
