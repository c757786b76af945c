"""View-models: what each page shows, computed from a store or a projection.

One module per page family, pure (no Streamlit), so whatever a page shows is
reproduced in a plain pytest test:

* :mod:`graph.views.overview`: the Overview tables (members by kind and
  sector, ties by kind, gminy, the agreement's timeline);
* :mod:`graph.views.profile`: everything an organisation's profile shows;
* :mod:`graph.views.explore`: search with diacritics folding, filters,
  grouping by gmina/powiat, display rows (network and pickers);
* :mod:`graph.views.console`: the SPARQL console (catalogue forms, URLs,
  result views).

Nothing is imported here: ``from graph.views.profile import organisation_profile``.
"""
