"""Suggested ties: link prediction filtered to complementary kinds, with reasons.

Candidates are pairs of complementary kinds with no tie yet (any kind), near
each other: in the same powiat (TERC code WOJ+POW) - TERC has no adjacency of
gminy, so "the same or a neighbouring gmina" is read as "the same powiat",
and a pair in the same gmina ranks first among equals.  An OWES counts as near
where it is seated or has a partner.

The score is the resource allocation index (Zhou, Lü and Zhang 2009; networkx
``resource_allocation_index``) on the undirected network of organisations:
the sum over shared partners w of 1 / degree(w).  Pairs that share no partner
score 0 and are kept only where the tie would meet an unmet expectation.

Suggestions are ranked: those meeting an unmet expectation first, then by
score, then same gmina before same powiat; each organisation appears in at
most ``per_org`` suggestions of the list.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .findings import Finding, Suggestion
from .network import organisation_graph, resource

__all__ = ["SUGGESTION_RULES", "RULE_MEETS", "suggest_ties"]

#: rule -> (role of the "from" end, role of the "to" end, suggested tie kind)
SUGGESTION_RULES: dict[str, tuple[str, str, str]] = {
    "pes-ops": ("ops", "pes", "contracting"),
    "pes-firm": ("firm", "pes", "contracting"),
    "pes-pup": ("pup", "pes", "referral"),
    "pes-owes": ("owes", "pes", "advice"),
    "gmina-owes": ("owes", "gmina", "advice"),
}

#: Expectations (codes in data/expectations.ttl) a rule's tie would meet, for
#: the focus at either end; a paper partner is met by any working tie.
RULE_MEETS: dict[str, frozenset[str]] = {
    "pes-ops": frozenset({"ops-works-with-pes", "signatory-has-tie"}),
    "pes-firm": frozenset({"firm-has-pes-tie", "signatory-has-tie"}),
    "pes-pup": frozenset({"signatory-has-tie"}),
    "pes-owes": frozenset({"pes-has-owes-support", "signatory-has-tie"}),
    "gmina-owes": frozenset({"signatory-has-tie"}),
}

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

#: Candidates added with score 0 per unmet focus, where no shared partner exists.
ZERO_SCORE_PER_FOCUS = 3


def _role(kind: str | None, pes_kinds: frozenset[str]) -> str | None:
    if kind in pes_kinds:
        return "pes"
    return kind if kind in {"ops", "firm", "pup", "owes", "gmina"} else None


def suggest_ties(
    g: nx.Graph,
    *,
    pes_kinds: frozenset[str] | set[str],
    top: int = 10,
    findings: tuple[Finding, ...] = (),
    per_org: int = 2,
) -> tuple[Suggestion, ...]:
    """The ``top`` missing ties worth building, best first.

    ``pes_kinds``: kind notations that are PES (``esk:pes skos:member``);
    ``findings``: expectation findings, so a suggestion can say which unmet
    expectation it would meet; ``per_org``: most suggestions naming one
    organisation (0: no limit).
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

    def near(a, b) -> bool:
        return bool(powiat[b]) and powiat[b] in area[a] if role[a] == "owes" else bool(powiat[a]) and powiat[a] == powiat[b]

    score: dict[tuple[str, str, str], float] = defaultdict(float)
    shared: dict[tuple[str, str, str], list] = defaultdict(list)
    for rule, (ra, rb, _) in SUGGESTION_RULES.items():
        for a in by_role[ra]:
            for w in h[a]:
                inv = 1.0 / h.degree(w)
                for b in h[w]:
                    if b != a and role[b] == rb and not h.has_edge(a, b) and near(a, b):
                        score[(rule, a, b)] += inv
                        shared[(rule, a, b)].append(w)
        # pairs with no shared partner, only where they would meet an unmet expectation
        for code in RULE_MEETS[rule]:
            for focus in unmet.get(code, ()):
                if focus not in h or role[focus] not in (ra, rb):
                    continue
                other_role = rb if role[focus] == ra else ra
                pool = by_role[other_role] if other_role == "owes" else local[(other_role, powiat[focus])]
                pool = [
                    x for x in pool if x != focus and not h.has_edge(focus, x) and (near(focus, x) if role[focus] == ra else near(x, focus))
                ]
                pool.sort(key=lambda x: (gmina[x] != gmina[focus], resource(g, x).label, x))
                for x in pool[:ZERO_SCORE_PER_FOCUS]:
                    key = (rule, focus, x) if role[focus] == ra else (rule, x, focus)
                    score.setdefault(key, 0.0)

    def meets(rule: str, a: str, b: str) -> tuple[str, ...]:
        return tuple(sorted(code for code in RULE_MEETS[rule] if a in unmet.get(code, ()) or b in unmet.get(code, ())))

    ranked = sorted(
        score.items(),
        key=lambda kv: (
            not meets(*kv[0]),
            -round(kv[1], 12),
            gmina[kv[0][1]] != gmina[kv[0][2]],
            resource(g, kv[0][1]).label,
            resource(g, kv[0][2]).label,
            kv[0],
        ),
    )
    used: dict[str, int] = defaultdict(int)
    out: list[Suggestion] = []
    for (rule, a, b), s in ranked:
        if len(out) >= top:
            break
        if per_org and (used[a] >= per_org or used[b] >= per_org):
            continue
        used[a] += 1
        used[b] += 1
        out.append(_suggestion(g, rule, a, b, s, shared.get((rule, a, b), []), meets(rule, a, b), titles, gmina, h))
    return tuple(out)


def _suggestion(g, rule, a, b, s, partners, met, titles, gmina, h) -> Suggestion:
    ra, rb = resource(g, a), resource(g, b)
    common = tuple(sorted((resource(g, w) for w in partners), key=lambda r: (r.label, r.iri)))
    if gmina[a] and gmina[a] == gmina[b]:
        where_pl, where_en = "ta sama gmina", "same gmina"
    elif gmina[a][:4] == gmina[b][:4]:
        where_pl, where_en = "ten sam powiat", "same powiat"
    else:  # an OWES with partners in the powiat
        where_pl, where_en = "OWES działa w tym powiecie", "the OWES works in this powiat"
    action_pl, action_en = _ACTION[rule]
    shown = common[:3]
    more = len(common) - len(shown)
    if common:
        names_pl = ", ".join(r.label for r in shown) + (f" i {more} innych" if more else "")
        names_en = ", ".join(r.label_en for r in shown) + (f" and {more} more" if more else "")
        why_pl, why_en = f"wspólni partnerzy: {names_pl}", f"shared partners: {names_en}"
    else:
        why_pl, why_en = "brak wspólnych partnerów", "no shared partners yet"
    pl = f"{ra.label} → {rb.label} ({where_pl}): {action_pl}; {why_pl}."
    en = f"{ra.label_en} → {rb.label_en} ({where_en}): {action_en}; {why_en}."
    if met:
        pl += " Spełni oczekiwanie: " + "; ".join(f"„{titles.get(c, (c, c))[0]}”" for c in met) + "."
        en += " Meets the expectation: " + "; ".join(f'"{titles.get(c, (c, c))[1]}"' for c in met) + "."
    basis = tuple(t for w in partners for x in (a, b) for t in h.edges[x, w].get("ties", []))
    return Suggestion(
        category="suggestion",
        code=rule,
        severity="info",
        resources=(ra, rb),
        text_pl=pl,
        text_en=en,
        basis=basis,
        data=(("score", round(s, 6)), ("tie_kind", SUGGESTION_RULES[rule][2]), ("same_gmina", bool(gmina[a]) and gmina[a] == gmina[b])),
        score=round(s, 6),
        rule=rule,
        shared=common,
        meets=met,
    )
