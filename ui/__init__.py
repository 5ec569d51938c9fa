"""The ModLens dashboard (Streamlit), in three layers under thin pages.

* ``pages/*.py``: one script per page, calling its sections top to bottom.
* :mod:`ui.sections`: one package per page, one module per section; each owns the
  session-state keys of its widgets.
* :mod:`ui.components`: widgets that several pages use (upload and column pickers,
  scoring progress, threshold sliders, version picker, model loader, safe text).
* :mod:`ui.services`: the work without widgets (models, scoring, explanations, bias,
  labelled data, training), cached with ``st.cache_*``; tested directly.
* :mod:`ui.shell` (page config, navigation, the page guard) and :mod:`ui.state`
  (session-state primitives; it owns no key).

Imports only go downwards (pages -> sections -> components -> services -> ``core``);
``tests/test_imports.py`` checks it. See ``ARCHITECTURE.md``.
"""
