"""The string catalogue: every key in both languages, no duplicates, formatting works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.i18n import LANGS, CatalogueError, load_catalogue, translate

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue()


def test_catalogue_is_not_empty():
    assert "nav.overview" in CATALOGUE
    assert len(CATALOGUE) > 20


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages(key):
    entry = CATALOGUE[key]
    for lang in LANGS:
        assert isinstance(entry.get(lang), str) and entry[lang].strip(), f"{key} has no {lang!r} text"
    assert set(entry) <= set(LANGS), f"{key} has unknown languages {set(entry) - set(LANGS)}"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_placeholders_match_between_languages(key):
    names = [set(re.findall(r"\{(\w*)[^}]*\}", CATALOGUE[key][lang])) for lang in LANGS]
    assert names[0] == names[1], f"{key}: placeholders differ between pl and en"


def test_keys_used_in_code_exist():
    used = set()
    for path in [ROOT / "app.py", *(ROOT / "ui").rglob("*.py")]:
        used |= set(re.findall(r"""\btm?\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert not missing, f"keys used in code but not in ui/strings: {missing}"


def test_translate_formats_and_falls_back():
    assert translate("app.synthetic.banner", "en", n=3).startswith("SYNTHETIC DATA: 3 ")
    assert translate("app.synthetic.banner", "pl", n=3).startswith("DANE SYNTETYCZNE: 3 ")
    assert translate("no.such.key", "pl") == "⟦no.such.key⟧"


def test_duplicate_key_across_files_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('[x.y]\npl = "a"\nen = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('"x.y" = { pl = "b", en = "b" }\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="already defined in a.toml"):
        load_catalogue(tmp_path)


def test_leaf_that_is_not_a_table_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('x = "oops"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="expected a table"):
        load_catalogue(tmp_path)
