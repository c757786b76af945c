"""The meeting report as one self-contained HTML page (A4 print CSS, page numbers).

The template (``template.html``) is rendered by Jinja2 with autoescaping on,
so every name, reason and URL from the data is escaped; the network picture
is the static SVG of :func:`graph.viz.svg.network_svg` (escaped when drawn).
Counts go through :func:`graph.wording.count`, numbers through
:func:`graph.wording.number`, words for findings through the glossary;
Polish text keeps one-letter words with the next one (no "w" at a line's
end), as Polish typography asks.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

from ..analysis.report import _CHANGE, kind_tag
from ..dates import MONTHS_EN, MONTHS_PL_GENITIVE
from ..viz.svg import network_svg, sector_legend
from ..vocabulary import pick
from ..wording import NBSP, count, number, term
from .content import MeetingReport

__all__ = ["render_html", "date_text", "tie_orphans", "SEVERITY_ICONS"]

TEMPLATE = Path(__file__).resolve().parent / "template.html"

#: The severity as an icon beside its word (never the icon alone).
SEVERITY_ICONS = {"violation": "⛔", "warning": "⚠", "info": "ℹ"}


_T = {
    "title": ("Raport na spotkanie partnerstwa", "Partnership meeting report"),
    "title_short": ("Raport na spotkanie", "Meeting report"),
    "as_of": ("stan na", "as of"),
    "as_of_long": ("Stan na dzień", "As of"),
    "since_long": ("zmiany od", "changes since"),
    "page": ("Strona", "Page"),
    "of": ("z", "of"),
    "partnership": ("Partnerstwo i jego członkowie", "The partnership and its members"),
    "members_note": (
        "– sygnatariusze porozumienia i organizacje, które dołączyły później. Inicjatorzy i podmioty wspierające nie są liczeni jako członkowie.",
        "– the agreement's signatories and the organisations that joined later. Initiators and supporters are not counted as members.",
    ),
    "col_member": ("Członek", "Member"),
    "col_kind": ("Rodzaj", "Kind"),
    "col_role": ("Rola", "Role"),
    "col_since": ("Od", "Since"),
    "others": ("Inicjatorzy i podmioty wspierające (nie członkowie)", "Initiators and supporters (not members)"),
    "no_agreement": ("Dane nie zawierają porozumienia.", "The data holds no agreement."),
    "network": ("Sieć współpracy", "The network of cooperation"),
    "figure": (
        "Rysunek: organizacje (koła), grupy nienazwane w źródle (kwadraty) i porozumienie (gwiazda); linie to powiązania i członkostwo. Kolory sektorów:",
        "Figure: organisations (circles), groups the source does not name (squares) and the agreement (star); lines are ties and memberships. Sector colours:",
    ),
    "changes": ("Co się zmieniło", "What changed"),
    "no_since": ("Nie podano daty poprzedniego spotkania (--since).", "No date of the previous meeting was given (--since)."),
    "no_change": ("Bez zmian.", "No change."),
    "findings": ("Ustalenia", "Findings"),
    "about": ("dotyczy", "about"),
    "suggestions": (term("suggested_ties", "pl").capitalize(), term("suggested_ties", "en").capitalize()),
    "score": (term("score", "pl"), term("score", "en")),
    "none": ("Brak.", "None."),
    "spof": (term("spof", "pl").capitalize(), term("spof", "en").capitalize()),
    "no_spof": (
        "Dane nie wskazują organizacji, bez której sieć by się rozpadła.",
        "The data shows no organisation without which the network would fall apart.",
    ),
    "sources": ("Źródła", "Sources"),
    # sentences and phrases ({} takes a value)
    "joined_later": (" (dołączył później)", " (joined later)"),
    "signed": ("Porozumienie podpisano {}.", "The agreement was signed {}."),
    "density": ("gęstość {}", "density {}"),
    "by_date": ("nie później niż {}", "by {}"),
    "not_member": (" ({}; nie członek)", " ({}; not a member)"),
    "coverage": ("Pokrycie gmin", "Coverage of gminy"),
}

_ORPHAN = re.compile(r"(?<![\w])([aiouwzAIOUWZ]|[a-zA-Z]\.) ")


def _pick(key: str, lang: str) -> str:
    pl, en = _T[key]
    return pick(lang, pl, en, fallback=False)


def tie_orphans(text: str, lang: str = "pl") -> str:
    """Polish text with one-letter words bound to the next word by a non-breaking space.

    >>> tie_orphans("Ośrodek w Brodach i Pawłowie") == "Ośrodek w" + NBSP + "Brodach i" + NBSP + "Pawłowie"
    True
    """
    return _ORPHAN.sub(lambda m: m.group(1) + NBSP, text) if lang == "pl" else text


def date_text(day: str | None, lang: str = "pl", *, upper_bound: bool = False) -> str:
    """``2017-01-20`` as "20 stycznia 2017" / "20 January 2017"; ``upper_bound``: "not later than".

    Dates of lower precision (``2009``, ``2009-05``) are written as given.

    >>> date_text("2017-01-20").replace(NBSP, " "), date_text("2017-01-20", "en", upper_bound=True).replace(NBSP, " ")
    ('20 stycznia 2017', 'by 20 January 2017')
    """
    if not day:
        return ""
    parts = day[:10].split("-")
    if len(parts) == 3:
        y, m, d = int(parts[0]), int(parts[1]), int(parts[2])
        text = f"{d}{NBSP}{pick(lang, MONTHS_PL_GENITIVE, MONTHS_EN, fallback=False)[m - 1]} {y}"
    else:
        text = day
    if upper_bound:
        return _pick("by_date", lang).format(text)
    return text


def _css(text: str) -> Markup:
    """A value safe inside a CSS string in the template's <style>."""
    return Markup(re.sub(r'[\\"<>\n]', "", text))


@cache
def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE.parent)), autoescape=True, trim_blocks=True)


def _context(r: MeetingReport, lang: str) -> dict:
    tt = {k: _pick(k, lang) for k in _T}
    p = lambda s: tie_orphans(s, lang)  # noqa: E731
    members = [
        {
            "name": p(m.name(lang)),
            "kind": pick(lang, m.kind, m.kind_en, fallback=False),
            "role": (pick(lang, m.role_pl, m.role_en, fallback=False))
            + (_pick("joined_later", lang) if m.joined_later else ""),
            "since": date_text(m.start, lang, upper_bound=m.start_is_upper_bound),
        }
        for m in r.members
    ]
    others: dict[str, dict] = {}  # one line per organisation, its roles joined ("inicjator, podmiot wspierający")
    for m in r.others:
        row = others.setdefault(
            m.iri, {"name": p(m.name(lang)), "roles": [], "since": date_text(m.start, lang, upper_bound=m.start_is_upper_bound)}
        )
        row["roles"].append(pick(lang, m.role_pl, m.role_en, fallback=False))
    others_rows = [{**o, "role": ", ".join(o["roles"])} for o in others.values()]
    agreement_name = (pick(lang, r.agreement[1], r.agreement[2], fallback=False)) if r.agreement else ""
    when = date_text(r.signed, lang, upper_bound=r.signed_upper_bound)
    signed_text = _pick("signed", lang).format(when) if when else ""
    net = r.network
    network_text = ", ".join(
        x
        for x in (
            count(int(net.get("organisations", 0)), "organisation", lang),
            count(int(net.get("ties", 0)), "tie", lang),
            _pick("density", lang).format(number(float(net["density"]), lang, 3)) if "density" in net else "",
        )
        if x
    )
    groups = []
    for code, fs in r.finding_groups():
        first = fs[0]
        title = first.value(pick(lang, "rule", "rule_en")) or (_pick("coverage", lang) if first.category == "coverage" else code)
        groups.append(
            {
                "title": p(str(title)),
                "severity": first.severity,
                "icon": SEVERITY_ICONS.get(first.severity, ""),
                "severity_word": term(first.severity, lang) if first.severity in SEVERITY_ICONS else first.severity,
                "kind": kind_tag(first, lang),
                "count": count(len(fs), "finding", lang),
                "entries": [{"text": p(f.text(lang)), "about": ", ".join(x.label_in(lang) for x in f.resources)} for f in fs],
            }
        )
    changes = None
    if r.changes is not None:
        changes = []
        member_iris = {m.iri for m in r.members}
        not_members: dict[str, list[str]] = {}
        for m in r.others:
            if m.iri not in member_iris:
                not_members.setdefault(m.iri, []).append(pick(lang, m.role_pl, m.role_en, fallback=False))
        note = _pick("not_member", lang)

        def change_text(f) -> str:
            text = f.text(lang)
            if f.code in ("joined", "left") and f.resources and f.resources[0].iri in not_members:
                text = text.rstrip(".") + note.format(", ".join(not_members[f.resources[0].iri])) + "."
            return p(text)

        for code, pair in _CHANGE.items():
            items = [change_text(f) for f in r.changes if f.code == code]
            if items:
                changes.append((f"{pick(lang, *pair, fallback=False)} ({number(len(items), lang)})", items))
    svg = network_svg(r.graph, lang=lang, title=tt["network"] + " – " + tt["as_of"] + " " + r.as_of)
    return {
        "lang": lang,
        "t": tt,
        "as_of_text": date_text(r.as_of, lang),
        "since_text": date_text(r.since, lang) if r.since else "",
        "agreement_name": p(agreement_name),
        "signed_text": signed_text,
        "members_count": count(len(r.members), "member", lang),
        "members": members,
        "others": others_rows,
        "network_text": network_text,
        "svg": Markup(svg),  # drawn with every label escaped
        "legend": sector_legend(r.vocab, lang),
        "changes": changes,
        "findings_text": count(len(r.findings), "finding", lang),
        "finding_groups": groups,
        "suggestions": [{"text": p(s.text(lang)), "score": number(s.score, lang, 3)} for s in r.suggestions],
        "spof": [p(f.text(lang)) for f in r.spof],
        "sources": [{"title": p(title), "date": date, "url": url} for _, title, date, url in r.sources],
    }


def render_html(report: MeetingReport, *, lang: str = "pl") -> str:
    """The report as a self-contained HTML page in ``lang`` ("pl" or "en")."""
    ctx = _context(report, lang)
    ctx["t"] = {k: (_css(v) if k in ("page", "of", "title_short", "as_of") else v) for k, v in ctx["t"].items()}
    ctx["as_of_css"] = _css(ctx["as_of_text"])
    return _env().get_template(TEMPLATE.name).render(**ctx)
