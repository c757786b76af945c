"""The Streamlit dashboard: cached state, the string catalogue and the pages.

``app.py`` (beside this package) holds the navigation and the shared sidebar;
pages are modules of :mod:`ui.pages` with a ``render()`` function.  Nothing in
``ui`` writes SPARQL, calls networkx or loops over triples: that is the core's
job (``graph/``), reached through :mod:`ui.state`.
"""
