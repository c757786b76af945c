"""Rendering reports as Markdown, CSV and JSON, in Polish or English.

One set of functions for the three reports (:class:`GapReport`,
:class:`Diff`, :class:`WhatIf`).  Markdown is for a coordinator: sections per
rule, at most ``limit`` items each (CSV and JSON hold every finding); labels
are escaped so a name with ``<``, ``|`` or ``*`` stays text.
"""

from __future__ import annotations

import io
import json
import math
from collections import defaultdict
from dataclasses import asdict

import pandas as pd

from ..results import spreadsheet_writer
from ..vocabulary import pick
from ..wording import count, number, term
from .absences import absence_text
from .coverage import GROUP_COLUMNS
from .findings import Finding
from .gaps import COVERAGE_COLUMNS, COVERAGE_LABELS, GapReport
from .structure import WhatIf
from .timeline import Diff

__all__ = ["render_markdown", "render_csv", "render_json", "CSV_COLUMNS", "md_escape", "kind_tag"]

CSV_COLUMNS = ("category", "code", "severity", "kind", "iri", "label", "iri2", "label2", "text", "score", "basis")

_T = {
    "title_gaps": ("Luki we współpracy", "Gaps in cooperation"),
    "title_diff": ("Zmiany w sieci", "Changes in the network"),
    "title_whatif": ("Co jeśli zabraknie organizacji", "What if an organisation is gone"),
    "as_of": ("stan na", "as of"),
    "all_dates": ("wszystkie powiązania, bez względu na daty", "every tie, whatever its dates"),
    "network": ("Sieć", "Network"),
    "expectations": ("Oczekiwania", "Expectations"),
    "none": ("brak", "none"),
    "coverage": ("Pokrycie gmin", "Coverage of gminy"),
    "gmina": ("Gmina", "Gmina"),
    "powiat": ("Powiat", "Powiat"),
    "structure": ("Struktura sieci", "Structure of the network"),
    "brokers": ("Główni pośrednicy", "Main brokers"),
    "suggestions": (term("suggested_ties", "pl").capitalize(), term("suggested_ties", "en").capitalize()),
    "absences": ("Sprawdzone braki", "Verified absences"),
    "group_unknown": ("grupa, liczba nieznana", "group, number unknown"),
    "coverage_note": (
        "Liczby organizacji z siedzibą w gminie, które są w danych (0: dane ich nie wskazują). "
        "Doradztwo ROPS: powiązania doradztwa ROPS oraz oferta doradztwa ROPS dla rodzajów organizacji (S6; data strony nieznana, "
        "więc oferta liczy się na każdy dzień).",
        "Counts of organisations seated in the gmina that the data holds (0: the data names none). "
        "ROPS advice: advice ties from a ROPS and the ROPS advice offered to kinds of organisations (S6; the page is undated, "
        "so the offer counts on every date).",
    ),
    "more": ("… i {n} więcej (pełna lista: --format csv lub json)", "… and {n} more (full list: --format csv or json)"),
    "basis": ("podstawa", "basis"),
    "score": ("wynik", "score"),
    "all_met": ("Wszystkie oczekiwania spełnione.", "Every expectation is met."),
    "no_change": ("Bez zmian.", "No change."),
    "betweenness": ("pośrednictwo", "betweenness"),
    "kind": ("rodzaj", "kind"),
    "organisation": ("Organizacja", "Organisation"),
    "roles": ("role pośrednika (Gould-Fernandez)", "brokerage roles (Gould-Fernandez)"),
}

_STRUCT = {
    "articulation-point": (
        f"{term('spof', 'pl').capitalize()} (bez nich sieć się rozpada)",
        f"{term('spof', 'en').capitalize()} (without them the network falls apart)",
    ),
    "bridge": ("Mosty (jedyne połączenia między częściami)", "Bridges (the only links between parts)"),
    "isolate": ("Organizacje bez powiązań", "Organisations with no tie"),
    "peripheral": ("Organizacje z jednym partnerem", "Organisations with one partner"),
}

_CHANGE = {
    "joined": ("Dołączyli", "Joined"),
    "left": ("Odeszli", "Left"),
    "tie-new": ("Nowe powiązania", "New ties"),
    "tie-ended": ("Zakończone powiązania", "Ended ties"),
    "coverage-change": ("Zmiany w pokryciu gmin", "Changes in coverage"),
    "broker-in": ("Nowi główni pośrednicy", "New main brokers"),
    "broker-out": ("Już nie wśród głównych pośredników", "No longer main brokers"),
    "gap-new": ("Nowe luki", "New gaps"),
    "gap-resolved": ("Zamknięte luki", "Gaps closed"),
}

_NETWORK = (
    ("organisations", "organizacje", "organisations"),
    ("ties", "powiązania", "ties"),
    ("density", "gęstość", "density"),
    ("components", "spójne części", "connected parts"),
    ("largest_component", "największa część", "largest part"),
    ("isolates", "bez powiązań", "isolates"),
    ("cross_sector_share", "udział powiązań międzysektorowych", "share of cross-sector ties"),
    ("ei_sector", "indeks E-I (sektory)", "E-I index (sectors)"),
    ("ei_gmina", "indeks E-I (gminy)", "E-I index (gminy)"),
)


def _t(key: str, lang: str) -> str:
    if key in ("severity", "violation", "warning", "info"):
        return term(key, lang)
    return pick(lang, *_T[key], fallback=False)


def kind_tag(f: Finding, lang: str = "pl") -> str:
    """The finding's kind as a reader sees it: "luka we współpracy" or "luka w danych – uzupełnij dane"."""
    if getattr(f, "kind", "cooperation") == "data":
        return f"{term('data_gap', lang)} – {term('complete_data', lang)}"
    return term("cooperation_gap", lang)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pick(lang, *pair, fallback=False)


def md_escape(text: object) -> str:
    """``text`` safe inside Markdown (and HTML): no tags, no table breaks, no emphasis.

    >>> md_escape("<b>A|B</b> *x*")
    '&lt;b&gt;A\\\\|B&lt;/b&gt; \\\\*x\\\\*'
    """
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#":
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", " ")


def _items(findings, lang: str, limit: int, *, iri: bool = True, tag: bool = False) -> list[str]:
    out = []
    for f in findings[:limit]:
        where = f" (`{f.resources[0].iri}`)" if iri and f.resources else ""
        kind = f"_{md_escape(kind_tag(f, lang))}_: " if tag else ""
        line = f"- {kind}{md_escape(f.text(lang))}{where}"
        basis = [b for b in f.basis if not f.resources or b != f.resources[0].iri]  # all, in the finding's order
        if basis:
            line += f"  \n  {_t('basis', lang)}: " + ", ".join(f"`{b}`" for b in basis)
        out.append(line)
    if len(findings) > limit:
        out.append(_t("more", lang).format(n=number(len(findings) - limit, lang)))
    return out


def _gaps_md(r, lang: str, limit: int) -> list[str]:
    lines = [f"# {_t('title_gaps', lang)}", ""]
    lines.append(f"_{_t('as_of', lang)} {r.as_of}_" if r.as_of else f"_{_t('all_dates', lang)}_")
    if r.network:
        lines += ["", f"## {_t('network', lang)}", ""]
        for key, pl, en in _NETWORK:
            if key in r.network:
                lines.append(f"- {pick(lang, pl, en, fallback=False)}: {number(r.network[key], lang)}")
    expect = [f for f in r.findings if f.category == "expectation"]
    lines += ["", f"## {_t('expectations', lang)}", ""]
    if not expect:
        lines.append(_t("all_met", lang))
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in expect:
        groups[f.code].append(f)
    for code, fs in groups.items():
        title = fs[0].value(pick(lang, "rule", "rule_en"), code)
        lines += [f"### {md_escape(title)} ({_t('severity', lang)}: {_t(fs[0].severity, lang)}; {count(len(fs), 'finding', lang)})", ""]
        lines += _items(fs, lang, limit, tag=True)
        lines.append("")
    cov = r.coverage
    if cov is not None and len(cov):
        cols = [c for c in COVERAGE_COLUMNS if c in cov.columns]
        lines += ["", f"## {_t('coverage', lang)}", "", f"_{md_escape(_t('coverage_note', lang))}_", ""]
        lines.append(f"| {_t('gmina', lang)} | {_t('powiat', lang)} | " + " | ".join(_pick(COVERAGE_LABELS[c], lang) for c in cols) + " |")
        lines.append("|---|---|" + "---:|" * len(cols))
        for _, row in cov.head(max(limit, 1) * 5).iterrows():
            lines.append(
                f"| {md_escape(row['label'])} | {md_escape(row.get('powiat_label') or '')} | "
                + " | ".join(_cell(row, c, lang) for c in cols)
                + " |"
            )
        if len(cov) > limit * 5:
            lines.append("")
            lines.append(_t("more", lang).format(n=number(len(cov) - limit * 5, lang)))
        gaps = [f for f in r.findings if f.category == "coverage"]
        if gaps:
            lines.append("")
            lines += _items(gaps, lang, limit, iri=False, tag=True)
    if r.absences:
        lines += ["", f"## {_t('absences', lang)}", ""]
        for a in r.absences[:limit]:
            lines.append(f"- `{a.at}`: {md_escape(absence_text(a, lang))} (`{a.iri}`)")
    s = r.structure
    lines += ["", f"## {_t('structure', lang)}", ""]
    if s.components:
        comps = ", ".join(number(c, lang) for c in s.components[:10]) + (" …" if len(s.components) > 10 else "")
        lines.append(f"{_pick(('Spójne części (liczba organizacji)', 'Connected parts (organisations)'), lang)}: {comps}")
    for code, pair in _STRUCT.items():
        fs = [f for f in s.findings if f.code == code]
        if fs:
            lines += ["", f"### {_pick(pair, lang)} ({number(len(fs), lang)})", ""]
            lines += _items(fs, lang, limit)
    if r.metrics is not None and len(r.metrics) and "betweenness" in r.metrics.columns:
        top = r.metrics[r.metrics["betweenness"] > 0].head(limit)
        if len(top):
            lines += ["", f"## {_t('brokers', lang)}", ""]
            lines.append(f"| {_t('organisation', lang)} | {_t('kind', lang)} | {_t('betweenness', lang)} | {_t('roles', lang)} |")
            lines.append("|---|---|---:|---:|")
            for _, row in top.iterrows():
                label = pick(lang, row["label"], row["label_en"], fallback=False)
                kind = _pick(r.kinds.get(row["kind"], (row["kind"] or "", row["kind"] or "")), lang)
                lines.append(
                    f"| {md_escape(label)} | {md_escape(kind)} | {number(float(row['betweenness']), lang, 3)} | {number(int(row.get('brokerage', 0)), lang)} |"
                )
    lines += ["", f"## {_t('suggestions', lang)}", ""]
    if not r.suggestions:
        lines.append(_t("none", lang))
    for i, sug in enumerate(r.suggestions, 1):
        lines.append(f"{i}. {md_escape(sug.text(lang))} ({_t('score', lang)} {number(sug.score, lang, 3)})")
    return lines


def _diff_md(d, lang: str, limit: int) -> list[str]:
    lines = [f"# {_t('title_diff', lang)}: {d.date1} → {d.date2}", ""]
    if not d.findings:
        lines.append(_t("no_change", lang))
    for code, pair in _CHANGE.items():
        fs = d.of(code)
        if fs:
            lines += [f"## {_pick(pair, lang)} ({number(len(fs), lang)})", ""]
            lines += _items(fs, lang, limit, iri=False)
            lines.append("")
    return lines


def _whatif_md(w, lang: str, limit: int) -> list[str]:
    lines = [f"# {_t('title_whatif', lang)}", ""]
    lines.append(md_escape(w.findings[0].text(lang)))
    rest = list(w.findings[1:])
    for code, pair in (
        ("lost-support", ("Tracą dostęp do wsparcia", "Lose access to support")),
        ("left-alone", ("Zostają bez partnera", "Left with no partner")),
    ):
        fs = [f for f in rest if f.code == code]
        if fs:
            lines += ["", f"## {_pick(pair, lang)} ({number(len(fs), lang)})", ""]
            lines += _items(fs, lang, limit)
    return lines


def _cell(row, col: str, lang: str) -> str:
    """A coverage count; an unnamed signatory group beside a 0 is "0 + grupa, liczba nieznana"."""
    text = number(int(row[col]), lang)
    group = GROUP_COLUMNS.get(col)
    if group and group in row.index and int(row[group]) > 0 and int(row[col]) == 0:
        text += f" + {_t('group_unknown', lang)}"
    return text


def render_markdown(report, *, lang: str = "pl", limit: int = 20) -> str:
    """A GapReport, Diff or WhatIf as Markdown a coordinator can read."""
    if isinstance(report, GapReport):
        lines = _gaps_md(report, lang, limit)
    elif isinstance(report, Diff):
        lines = _diff_md(report, lang, limit)
    elif isinstance(report, WhatIf):
        lines = _whatif_md(report, lang, limit)
    else:
        raise TypeError(f"cannot render {type(report).__name__}")
    return "\n".join(lines).rstrip() + "\n"


def _findings_of(report) -> tuple[Finding, ...]:
    if hasattr(report, "all_findings"):
        return report.all_findings
    return tuple(report.findings)


def render_csv(report, *, lang: str = "pl") -> str:
    """Every finding as CSV, one row per finding (columns :data:`CSV_COLUMNS`)."""
    buf = io.StringIO()
    w = spreadsheet_writer(buf, lineterminator="\n")  # names from imported data never run as formulas (T19)
    w.writerow(CSV_COLUMNS)
    for f in _findings_of(report):
        r1 = f.resources[0] if f.resources else None
        r2 = f.resources[1] if len(f.resources) > 1 else None
        w.writerow(
            [
                f.category,
                f.code,
                f.severity,
                getattr(f, "kind", "cooperation"),
                r1.iri if r1 else "",
                r1.label_in(lang) if r1 else "",
                r2.iri if r2 else "",
                r2.label_in(lang) if r2 else "",
                f.text(lang),
                getattr(f, "score", "") if f.category == "suggestion" else "",
                " ".join(f.basis),
            ]
        )
    return buf.getvalue()


def _plain(x):
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set | frozenset):
        return [_plain(v) for v in x]
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    return x


def _frame(df: pd.DataFrame | None) -> list[dict]:
    if df is None:
        return []
    return _plain(df.reset_index().to_dict(orient="records"))


def render_json(report, *, lang: str = "pl") -> str:
    """The whole report as JSON (findings with both languages; ``lang`` picks ``text``)."""
    def finding(f: Finding) -> dict:
        d = f.to_dict()
        d["text"] = f.text(lang)
        return _plain(d)

    if isinstance(report, GapReport):
        s = report.structure
        out = {
            "as_of": report.as_of,
            "network": _plain(report.network),
            "coverage": _frame(report.coverage),
            "findings": [finding(f) for f in report.findings],
            "structure": {
                "components": list(s.components),
                "articulation_points": [r.iri for r in s.articulation_points],
                "bridges": [[a.iri, b.iri] for a, b in s.bridges],
                "isolates": [r.iri for r in s.isolates],
                "peripheral": [r.iri for r in s.peripheral],
                "findings": [finding(f) for f in s.findings],
            },
            "suggestions": [finding(f) for f in report.suggestions],
            "absences": [_plain(asdict(a)) for a in report.absences],
            "timings": report.timings,
        }
    elif isinstance(report, Diff):
        out = {
            "date1": report.date1,
            "date2": report.date2,
            "findings": [finding(f) for f in report.findings],
            "coverage": _frame(report.coverage),
            "brokers": {d: [{"iri": r.iri, "label": r.label, "betweenness": x} for r, x in rows] for d, rows in report.brokers.items()},
        }
    elif isinstance(report, WhatIf):
        out = {
            "removed": [r.iri for r in report.removed],
            "components_before": list(report.components_before),
            "components_after": list(report.components_after),
            "lost_support": [r.iri for r in report.lost_support],
            "isolated": [r.iri for r in report.isolated],
            "findings": [finding(f) for f in report.findings],
        }
    else:
        raise TypeError(f"cannot render {type(report).__name__}")
    return json.dumps(out, ensure_ascii=False, indent=1, default=str) + "\n"
