"""Where a round stands: who answered, which ties both sides confirm, the scores.

Only submitted answers count (drafts are listed by number).  A claim with the
frequency "never" names a partner the respondent knows but does not work
with: it is kept but is neither a tie nor scored.  Ties are pairs of organisations:

* **confirmed**: both sides named each other;
* **one-sided**: only one side did (the other may not have answered yet:
  ``other_responded`` says);
* **in the data** or **new**: whether the curated data holds a tie between
  the two (any kind, either direction, in force on the round's day: its as-of
  day, else the day it was created; by the one as-of rule, with both
  organisations existing then);
* **unconfirmed data ties**: ties of the data between invited organisations
  that neither side named.

PARTNER-style scores: per organisation, the average value and trust it gave
its partners and received from them; for the network, the density of the
confirmed ties among the invited organisations and the reciprocity of the
claims between organisations that both answered (networkx).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import networkx as nx

from ..dates import holds
from ..edit.lookup import Context
from ..results import spreadsheet_cell
from ..vocabulary import pick
from .records import RoundData
from .rounds import round_day
from .storage import no_gc as _no_gc

__all__ = ["status", "to_json", "to_markdown", "to_csv", "data_pairs", "survey_ties", "survey_overlays"]


def _in_force(t: dict, day: str, orgs: dict) -> bool:
    """The tie holds on ``day`` by the one as-of rule (:func:`graph.dates.holds`: precision
    and bounds), and both its organisations exist then."""
    if not holds(t.get("start"), t.get("start_bound"), t.get("end"), t.get("end_bound"), day):
        return False
    return all(o not in orgs or orgs[o].exists_on(day) for o in (t["from"], t["to"]))


def data_pairs(ctx: Context, day: str) -> dict[frozenset, set[str]]:
    """Pairs of organisations the curated data ties (in force on ``day``) -> tie kinds."""
    out: dict[frozenset, set[str]] = defaultdict(set)
    orgs = ctx.organisations
    for t in ctx.ties:
        if t["from"] != t["to"] and _in_force(t, day, orgs):
            out[frozenset((t["from"], t["to"]))].add(t["kind"])
    return out


def _avg(xs: list[int]) -> float | None:
    return round(sum(xs) / len(xs), 2) if xs else None


def _rate(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def survey_ties(data: RoundData) -> dict[frozenset, dict]:
    """Pairs named in submitted answers (frequency not "never") -> claims by side."""
    pairs: dict[frozenset, dict] = {}
    for org, resp in data.responses.items():
        if resp.status != "submitted":
            continue
        for c in resp.claims:
            if c.frequency == "never" or c.partner == org:
                continue
            pairs.setdefault(frozenset((org, c.partner)), {})[org] = c
    return pairs


def status(data: RoundData, ctx: Context, *, terc_labels: dict[str, str] | None = None) -> dict:
    """The round's status as plain data (JSON-ready); organisations by their local id."""
    with _no_gc():
        return _status(data, ctx, terc_labels or {})


def _status(data: RoundData, ctx: Context, terc_labels: dict[str, str]) -> dict:
    orgs = ctx.organisations
    kinds = ctx.kinds
    ids = {iri: rec.local for iri, rec in orgs.items()}

    def oid(iri: str) -> str:
        return ids.get(iri, iri)

    def label(iri: str) -> str:
        rec = orgs.get(iri)
        return rec.label if rec else iri

    def kind_of(iri: str) -> str:
        rec = orgs.get(iri)
        return kinds[rec.kind].notation if rec and rec.kind in kinds else ""

    def gmina_of(iri: str) -> str:
        rec = orgs.get(iri)
        return rec.gmina.rsplit("/", 1)[-1] if rec and rec.gmina else ""

    invited = sorted(data.invitations)
    submitted = {o for o, r in data.responses.items() if r.status == "submitted" and o in data.invitations}
    drafts = {o for o, r in data.responses.items() if r.status != "submitted" and o in data.invitations}

    def breakdown(key) -> list[dict]:
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in invited:
            acc[key(o)][0] += 1
            acc[key(o)][1] += o in submitted
        return [{"key": k, "invited": n, "responded": r, "rate": _rate(r, n)} for k, (n, r) in sorted(acc.items())]

    by_kind = breakdown(kind_of)
    for row in by_kind:
        c = next((c for c in kinds.values() if c.notation == row["key"]), None)
        row["kind"], row["label_pl"], row["label_en"] = row.pop("key"), (c.label.pl if c else ""), (c.label.en if c else "")
    by_gmina = breakdown(gmina_of)
    for row in by_gmina:
        row["gmina"] = row.pop("key")
        row["label"] = terc_labels.get(row["gmina"], row["gmina"])

    pairs = survey_ties(data)
    in_data = data_pairs(ctx, round_day(data))
    ties = []
    for pair, sides in pairs.items():
        a, b = sorted(pair)
        confirmed = len(sides) == 2
        frm, to = (a, b) if confirmed else (next(iter(sides)), next(iter(pair - set(sides))))
        kinds_claimed = sorted({k for c in sides.values() for k in c.kinds})
        ties.append(
            {
                "from": oid(frm),
                "to": oid(to),
                "from_label": label(frm),
                "to_label": label(to),
                "kinds": [k.rsplit("/", 1)[-1] for k in kinds_claimed],
                "confirmed": confirmed,
                "claimed_by": sorted(oid(o) for o in sides),
                "other_responded": confirmed or to in submitted,
                "in_data": pair in in_data,
                "rejected": all(c.rejected for c in sides.values()),
            }
        )
    ties.sort(key=lambda t: (not t["confirmed"], t["from_label"].casefold(), t["to_label"].casefold()))
    invited_set = set(invited)
    unconfirmed = [
        {
            "from": oid(min(p)),
            "to": oid(max(p)),
            "from_label": label(min(p)),
            "to_label": label(max(p)),
            "kinds": sorted(k.rsplit("/", 1)[-1] for k in ks),
            "responded": sorted(oid(o) for o in p if o in submitted),
        }
        for p, ks in in_data.items()
        if p not in pairs and p <= invited_set
    ]
    unconfirmed.sort(key=lambda t: (t["from_label"].casefold(), t["to_label"].casefold()))
    proposed = [
        {"name": p.name, "gmina": p.gmina, "kind": p.kind.rsplit("/", 1)[-1], "proposed_by": oid(o), "number": p.n, "rejected": p.rejected}
        for o, r in sorted(data.responses.items())
        if r.status == "submitted"
        for p in r.proposals
    ]

    given: dict[str, dict[str, list]] = defaultdict(lambda: {"value": [], "trust": []})
    received: dict[str, dict[str, list]] = defaultdict(lambda: {"value": [], "trust": []})
    claims_graph = nx.DiGraph()
    named_by: dict[str, int] = defaultdict(int)
    for o in submitted:
        for c in data.responses[o].claims:
            if c.frequency == "never":
                continue  # no working tie: neither named nor scored
            named_by[c.partner] += 1
            for name, v in (("value", c.value), ("trust", c.trust)):
                if v is not None:
                    given[o][name].append(v)
                    received[c.partner][name].append(v)
            if c.partner in submitted:
                claims_graph.add_edge(o, c.partner)
    scores = []
    for o in invited:
        scores.append(
            {
                "organisation": oid(o),
                "label": label(o),
                "responded": o in submitted,
                "value_given": _avg(given[o]["value"]),
                "trust_given": _avg(given[o]["trust"]),
                "value_received": _avg(received[o]["value"]),
                "trust_received": _avg(received[o]["trust"]),
                "named_by": named_by[o],
            }
        )
    confirmed_graph = nx.Graph()
    confirmed_graph.add_nodes_from(invited)
    confirmed_graph.add_edges_from(tuple(p) for p, s in pairs.items() if len(s) == 2 and p <= invited_set)
    n_conf = sum(1 for t in ties if t["confirmed"])
    network = {
        "organisations": len(invited),
        "confirmed_ties": n_conf,
        "one_sided_ties": len(ties) - n_conf,
        "new_ties": sum(1 for t in ties if not t["in_data"]),
        "unconfirmed_data_ties": len(unconfirmed),
        "density": round(nx.density(confirmed_graph), 4) if len(invited) > 1 else 0.0,
        "reciprocity": round(nx.reciprocity(claims_graph), 4) if claims_graph.number_of_edges() else None,
        "value_avg": _avg([v for o in submitted for v in given[o]["value"]]),
        "trust_avg": _avg([v for o in submitted for v in given[o]["trust"]]),
    }
    r = data.round
    return {
        "round": {"name": r.name, "label": r.label, "as_of": r.as_of, "expires": r.expires, "created": r.created, "closed": r.closed},
        "invited": len(invited),
        "responded": len(submitted),
        "drafts": len(drafts),
        "rate": _rate(len(submitted), len(invited)),
        "by_kind": by_kind,
        "by_gmina": by_gmina,
        "not_responded": [
            {"organisation": oid(o), "label": label(o), "kind": kind_of(o), "gmina": gmina_of(o)} for o in invited if o not in submitted
        ],
        "ties": ties,
        "unconfirmed_data_ties": unconfirmed,
        "proposed": proposed,
        "scores": scores,
        "network": network,
    }


def to_json(st: dict) -> str:
    return json.dumps(st, ensure_ascii=False, indent=2)


TIE_COLUMNS = ("from", "from_label", "to", "to_label", "kinds", "confirmed", "claimed_by", "in_data", "rejected")


def to_csv(st: dict) -> str:
    """The ties as CSV (one row per pair), cells neutralised for spreadsheets."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(TIE_COLUMNS)
    for t in st["ties"]:
        row = [t[c] for c in TIE_COLUMNS]
        row = [" ".join(v) if isinstance(v, list) else ("true" if v is True else "false" if v is False else v) for v in row]
        w.writerow([spreadsheet_cell(v) for v in row])
    return out.getvalue()


def _md(text) -> str:
    return (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_")
    )


_MD = {
    "pl": {
        "title": "Ankieta powiązań: runda {name}",
        "invited": "Zaproszone: {invited}; odpowiedziały: {responded} ({rate}); szkice: {drafts}.",
        "ties": "Powiązania potwierdzone: {confirmed}; jednostronne: {one_sided}; nowe (spoza danych): {new}; "
        "w danych, niewskazane przez żadną stronę: {unconfirmed}.",
        "net": "Gęstość potwierdzonych powiązań: {density}; wzajemność: {reciprocity}.",
        "by_kind": "Odpowiedzi według rodzaju",
        "by_gmina": "Odpowiedzi według gminy",
        "cols_rate": "| {what} | zaproszone | odpowiedziały | odsetek |",
        "kind": "rodzaj",
        "gmina": "gmina",
        "missing": "Bez odpowiedzi",
        "tie_head": "Powiązania z ankiety",
        "tie_cols": "| od | do | rodzaje | potwierdzone | wskazane przez | w danych |",
        "yes": "tak",
        "one_sided": "jednostronne",
        "new": "nowe",
        "proposed": "Proponowane organizacje",
        "by": "zgłasza",
        "none": "brak",
    },
    "en": {
        "title": "Tie survey: round {name}",
        "invited": "Invited: {invited}; responded: {responded} ({rate}); drafts: {drafts}.",
        "ties": "Confirmed ties: {confirmed}; one-sided: {one_sided}; new (not in the data): {new}; "
        "in the data but named by neither side: {unconfirmed}.",
        "net": "Density of confirmed ties: {density}; reciprocity: {reciprocity}.",
        "by_kind": "Response rate by kind",
        "by_gmina": "Response rate by gmina",
        "cols_rate": "| {what} | invited | responded | rate |",
        "kind": "kind",
        "gmina": "gmina",
        "missing": "Not answered",
        "tie_head": "Ties from the survey",
        "tie_cols": "| from | to | kinds | confirmed | claimed by | in the data |",
        "yes": "yes",
        "one_sided": "one-sided",
        "new": "new",
        "proposed": "Proposed organisations",
        "by": "proposed by",
        "none": "none",
    },
}


def to_markdown(st: dict, lang: str = "pl") -> str:
    """The status as Markdown for the coordinator (Polish or English; decimal commas in Polish)."""
    from ..wording import number

    w = _MD[pick(lang, "pl", "en")]
    r, n = st["round"], st["network"]

    def pct(x: float) -> str:
        return f"{number(x * 100, lang, 0)}%"

    lines = [
        "# " + w["title"].format(name=_md(r["name"])),
        "",
        w["invited"].format(invited=st["invited"], responded=st["responded"], rate=pct(st["rate"]), drafts=st["drafts"]),
        w["ties"].format(
            confirmed=n["confirmed_ties"], one_sided=n["one_sided_ties"], new=n["new_ties"], unconfirmed=n["unconfirmed_data_ties"]
        ),
        w["net"].format(density=number(n["density"], lang, 4), reciprocity=number(n["reciprocity"], lang, 2)),
        "",
        f"## {w['by_kind']}",
        "",
        w["cols_rate"].format(what=w["kind"]),
        "|---|---:|---:|---:|",
    ]
    label = pick(lang, "label_pl", "label_en")
    lines += [f"| {_md(k[label] or k['kind'])} | {k['invited']} | {k['responded']} | {pct(k['rate'])} |" for k in st["by_kind"]]
    lines += ["", f"## {w['by_gmina']}", "", w["cols_rate"].format(what=w["gmina"]), "|---|---:|---:|---:|"]
    lines += [f"| {_md(g['label'])} | {g['invited']} | {g['responded']} | {pct(g['rate'])} |" for g in st["by_gmina"]]
    lines += ["", f"## {w['missing']}", ""] + (
        [f"- {_md(o['label'])} ({_md(o['organisation'])})" for o in st["not_responded"]] or [w["none"]]
    )
    lines += ["", f"## {w['tie_head']}", "", w["tie_cols"], "|---|---|---|---|---|---|"]
    lines += [
        f"| {_md(t['from_label'])} | {_md(t['to_label'])} | {_md(', '.join(t['kinds']))} | {w['yes'] if t['confirmed'] else w['one_sided']} | "
        f"{_md(', '.join(t['claimed_by']))} | {w['yes'] if t['in_data'] else w['new']} |"
        for t in st["ties"]
    ]
    lines += ["", f"## {w['proposed']}", ""] + (
        [
            f"- {_md(p['name'])} (gmina {_md(p['gmina'] or '?')}, {_md(p['kind'] or '?')}; {w['by']} {_md(p['proposed_by'])} #{p['number']})"
            for p in st["proposed"]
        ]
        or [w["none"]]
    )
    return "\n".join(lines) + "\n"


def survey_overlays(data_file, name: str, store) -> tuple:
    """The round's ties as network overlays: ``confirmed`` (both sides), ``one_sided``,
    and ``unconfirmed`` (in the data, named by neither side); organisations by IRI."""
    from ..viz.build import Overlay
    from .records import round_path
    from .storage import load

    data = load(round_path(data_file, name), name)
    ctx = Context(store)
    pairs = survey_ties(data)
    out = []
    for pair, sides in sorted(pairs.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        if len(sides) == 2:
            out.append(Overlay(a, b, "confirmed"))
        else:
            frm = next(iter(sides))
            out.append(Overlay(frm, next(iter(pair - {frm})), "one_sided"))
    invited = set(data.invitations)
    for pair in sorted(data_pairs(ctx, round_day(data)), key=sorted):
        if pair not in pairs and pair <= invited:
            a, b = sorted(pair)
            out.append(Overlay(a, b, "unconfirmed"))
    return tuple(out)
