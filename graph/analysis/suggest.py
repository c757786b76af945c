"""Suggested ties: complementary pairs with at least one concrete, named reason.

Candidates are pairs of complementary kinds (:data:`SUGGESTION_RULES`) with no
tie yet (of any kind) that are near each other: in the same powiat (TERC code
WOJ+POW; TERC has no adjacency of gminy, so "the same or a neighbouring
gmina" is read as "the same powiat").  An OWES counts as near where it is
seated or has a partner.

Being near is a condition, not a reason.  A candidate is suggested only with
at least one reason that names organisations, ties or a finding:

* **shared partners** - organisations both already work with (named);
* **an expectation it would meet** - an unmet expectation about either end
  (the rule's title and the organisation it is about);
* **a tie that ended** - the two had a tie that ended before the report's
  date (named by its kind and end).

The score adds up what speaks for the tie, so it is never 0::

    score = RA + 1.0 * meets + 0.5 * ended + 0.2 * same_gmina + 0.1 * same_powiat_only

``RA`` is the resource allocation index (Zhou, Lü and Zhang 2009; networkx
``resource_allocation_index``) on the undirected network of organisations:
the sum over shared partners w of 1 / degree(w), between 0 and the number of
shared partners; ``meets`` and ``ended`` are 1 when that reason holds.  An
unmet expectation weighs as much as one exclusive shared partner; a past tie
half as much.  Suggestions are ranked by score (highest first), then by the
labels of the two ends; each organisation appears in at most ``per_org``
suggestions of the list.  Candidates without shared partners or an ended tie
are considered only where they would meet an unmet expectation, at most
:data:`NEAREST_PER_FOCUS` per organisation it is about (same gmina first).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .findings import Finding, Suggestion
from .network import organisation_graph, quiet, resource

__all__ = ["SUGGESTION_RULES", "RULE_MEETS", "WEIGHTS", "suggest_ties"]

#: rule -> (role of the "from" end, role of the "to" end, suggested tie kind)
SUGGESTION_RULES: dict[str, tuple[str, str, str]] = {
    "pes-ops": ("ops", "pes", "contracting"),
    "pes-firm": ("firm", "pes", "contracting"),
    "pes-pup": ("pup", "pes", "referral"),
    "pes-owes": ("owes", "pes", "advice"),
    "gmina-owes": ("owes", "gmina", "advice"),
}

#: Expectations (codes in data/expectations.ttl) a rule's tie would meet, for
#: the focus at either end.  Gaps in the data (e.g. the signatory rule) are
#: met by completing the data, not by a new tie, so none is listed.
RULE_MEETS: dict[str, frozenset[str]] = {
    "pes-ops": frozenset({"ops-works-with-pes"}),
    "pes-firm": frozenset({"firm-has-pes-tie"}),
    "pes-pup": frozenset(),
    "pes-owes": frozenset({"pes-has-owes-support"}),
    "gmina-owes": frozenset(),
}

#: Weights of the score (see the module's docstring).
WEIGHTS: dict[str, float] = {"meets": 1.0, "ended": 0.5, "same_gmina": 0.2, "same_powiat": 0.1}

_ACTION = {
    "pes-ops": (
        "OPS może zlecać usługi PES lub kierować do niego klientów",
        "the OPS could contract services from the PES or refer clients to it",
    ),
    "pes-firm": ("firma może kupować usługi lub produkty PES", "the firm could buy services or products from the PES"),
    "pes-pup": (
        "PUP może kierować do PES osoby bezrobotne i wspierać zatrudnienie",
        "the PUP could refer unemployed people to the PES and support jobs there",
    ),
    "pes-owes": ("OWES może objąć PES doradztwem i wsparciem", "the OWES could give the PES advice and support"),
    "gmina-owes": (
        "OWES może doradzać gminie (np. przy tworzeniu PES, zlecaniu zadań)",
        "the OWES could advise the gmina (e.g. on setting up a PES, contracting tasks)",
    ),
}

#: Candidates that only meet an expectation (no shared partner, no past tie), per organisation it is about.
NEAREST_PER_FOCUS = 3


def _role(kind: str | None, pes_kinds: frozenset[str]) -> str | None:
    if kind in pes_kinds:
        return "pes"
    return kind if kind in {"ops", "firm", "pup", "owes", "gmina"} else None


@quiet
def suggest_ties(
    g: nx.Graph,
    *,
    pes_kinds: frozenset[str] | set[str],
    top: int = 10,
    findings: tuple[Finding, ...] = (),
    per_org: int = 2,
    ended: tuple = (),
) -> tuple[Suggestion, ...]:
    """The ``top`` missing ties worth building, best first, each with a named reason.

    ``pes_kinds``: kind notations that are PES (``esk:pes skos:member``);
    ``findings``: expectation findings, so a suggestion can say which unmet
    expectation it would meet; ``ended``: ties that ended before the date,
    as ``(from, to, tie IRI, (kind label pl, en), end)``; ``per_org``: most
    suggestions naming one organisation (0: no limit).
    """
    pes_kinds = frozenset(pes_kinds)
    h = organisation_graph(g)
    role = {v: _role(d.get("kind"), pes_kinds) for v, d in h.nodes(data=True)}
    gmina = {v: d.get("gmina") or "" for v, d in h.nodes(data=True)}
    powiat = {v: gm[:4] for v, gm in gmina.items()}
    area = {v: {powiat[v]} | {powiat[w] for w in h[v]} if role[v] == "owes" else {powiat[v]} for v in h}
    by_role: dict[str, list] = defaultdict(list)
    local: dict[tuple[str, str], list] = defaultdict(list)  # (role, powiat) -> organisations
    for v, r in role.items():
        if r:
            by_role[r].append(v)
            local[(r, powiat[v])].append(v)
    unmet: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, tuple[str, str]] = {}
    for f in findings:
        if f.category == "expectation":
            unmet[f.code].add(f.resources[0].iri)
            titles[f.code] = (str(f.value("rule", f.code)), str(f.value("rule_en", f.code)))

    labels: dict[str, str] = {}

    def label(v: str) -> str:  # resource(g, v).label, looked up once
        text = labels.get(v)
        if text is None:
            text = labels[v] = resource(g, v).label
        return text

    def near(a, b) -> bool:
        return bool(powiat[b]) and powiat[b] in area[a] if role[a] == "owes" else bool(powiat[a]) and powiat[a] == powiat[b]

    ra: dict[tuple[str, str, str], float] = defaultdict(float)
    shared: dict[tuple[str, str, str], list] = defaultdict(list)
    past: dict[tuple[str, str, str], list] = defaultdict(list)
    for rule, (ra_role, rb_role, _) in SUGGESTION_RULES.items():
        for a in by_role[ra_role]:
            for w in h[a]:
                inv = 1.0 / h.degree(w)
                for b in h[w]:
                    if b != a and role[b] == rb_role and not h.has_edge(a, b) and near(a, b):
                        ra[(rule, a, b)] += inv
                        shared[(rule, a, b)].append(w)
        for u, v, tie, kind, end in ended:
            for a, b in ((u, v), (v, u)):
                if a in h and b in h and role[a] == ra_role and role[b] == rb_role and not h.has_edge(a, b) and near(a, b):
                    past[(rule, a, b)].append((tie, kind, end))
                    ra.setdefault((rule, a, b), 0.0)
        # pairs with no shared partner, only where they would meet an unmet expectation
        for code in RULE_MEETS[rule]:
            for focus in unmet.get(code, ()):
                if focus not in h or role[focus] not in (ra_role, rb_role):
                    continue
                other_role = rb_role if role[focus] == ra_role else ra_role
                pool = by_role[other_role] if other_role == "owes" else local[(other_role, powiat[focus])]
                pool = [
                    x
                    for x in pool
                    if x != focus and not h.has_edge(focus, x) and (near(focus, x) if role[focus] == ra_role else near(x, focus))
                ]
                pool.sort(key=lambda x: (gmina[x] != gmina[focus], label(x), x))
                for x in pool[:NEAREST_PER_FOCUS]:
                    ra.setdefault((rule, focus, x) if role[focus] == ra_role else (rule, x, focus), 0.0)

    def meets(rule: str, a: str, b: str) -> tuple[str, ...]:
        return tuple(sorted(code for code in RULE_MEETS[rule] if a in unmet.get(code, ()) or b in unmet.get(code, ())))

    def score(key) -> float:
        rule, a, b = key
        same = bool(gmina[a]) and gmina[a] == gmina[b]
        return (
            ra[key]
            + WEIGHTS["meets"] * bool(meets(*key))
            + WEIGHTS["ended"] * bool(past.get(key))
            + (WEIGHTS["same_gmina"] if same else WEIGHTS["same_powiat"])
        )

    # a candidate needs a named reason: shared partners, an expectation it meets, or a tie that ended
    keys = [k for k in ra if shared.get(k) or meets(*k) or past.get(k)]
    ranked = sorted(keys, key=lambda k: (-round(score(k), 12), label(k[1]), label(k[2]), k))
    used: dict[str, int] = defaultdict(int)
    out: list[Suggestion] = []
    for key in ranked:
        rule, a, b = key
        if len(out) >= top:
            break
        if per_org and (used[a] >= per_org or used[b] >= per_org):
            continue
        used[a] += 1
        used[b] += 1
        out.append(_suggestion(g, key, score(key), ra[key], shared.get(key, []), meets(*key), past.get(key, []), unmet, titles, h))
    return tuple(out)


def _where(g, a, b) -> tuple[str, str]:
    da, db = g.nodes[a], g.nodes[b]
    ga, gb = da.get("gmina") or "", db.get("gmina") or ""
    la, lb = da.get("gmina_label") or ga, db.get("gmina_label") or gb
    if ga and ga == gb:
        return f"obie w gminie {la}", f"both in gmina {la}"
    if ga[:4] and ga[:4] == gb[:4]:
        return f"gminy {la} i {lb} w tym samym powiecie", f"gminy {la} and {lb} in the same powiat"
    return f"OWES ma partnerów w powiecie gminy {lb}", f"the OWES has partners in the powiat of gmina {lb}"


def _suggestion(g, key, s, ra, partners, met, past, unmet, titles, h) -> Suggestion:
    rule, a, b = key
    res_a, res_b = resource(g, a), resource(g, b)
    common = tuple(sorted((resource(g, w) for w in partners), key=lambda r: (r.label, r.iri)))
    action_pl, action_en = _ACTION[rule]
    where_pl, where_en = _where(g, a, b)
    why_pl, why_en = [], []
    if common:
        shown, more = common[:3], len(common) - 3
        why_pl.append("wspólni partnerzy: " + ", ".join(r.label for r in shown) + (f" i {more} innych" if more > 0 else ""))
        why_en.append("shared partners: " + ", ".join(r.label_en for r in shown) + (f" and {more} more" if more > 0 else ""))
    for code in met:
        about = [res for res in (res_a, res_b) if res.iri in unmet.get(code, ())]
        title_pl, title_en = titles.get(code, (code, code))
        why_pl.append(f"spełni oczekiwanie „{title_pl}” (dotyczy: {', '.join(r.label for r in about)})")
        why_en.append(f'meets the expectation "{title_en}" (about: {", ".join(r.label_en for r in about)})')
    for _, kind, end in sorted(past, key=lambda t: (str(t[2]), t[0])):
        kind_pl, kind_en = kind if isinstance(kind, tuple) else (kind, kind)
        why_pl.append(f"ich powiązanie ({kind_pl}) zakończyło się {str(end)[:10]}")
        why_en.append(f"their tie ({kind_en}) ended on {str(end)[:10]}")
    pl = f"{res_a.label} → {res_b.label} ({where_pl}): {action_pl}; " + "; ".join(why_pl) + "."
    en = f"{res_a.label_en} → {res_b.label_en} ({where_en}): {action_en}; " + "; ".join(why_en) + "."
    # sorted: engines list a pair's ties in their own order
    basis = tuple(sorted({t for w in partners for x in (a, b) for t in h.edges[x, w].get("ties", [])})) + tuple(t for t, _, _ in past)
    same = bool(g.nodes[a].get("gmina")) and g.nodes[a].get("gmina") == g.nodes[b].get("gmina")
    return Suggestion(
        category="suggestion",
        code=rule,
        severity="info",
        resources=(res_a, res_b),
        text_pl=pl,
        text_en=en,
        basis=tuple(dict.fromkeys(basis)),
        data=(
            ("score", round(s, 6)),
            ("resource_allocation", round(ra, 6)),
            ("tie_kind", SUGGESTION_RULES[rule][2]),
            ("same_gmina", same),
            ("ended", tuple(t for t, _, _ in past)),
        ),
        score=round(s, 6),
        rule=rule,
        shared=common,
        meets=met,
    )
