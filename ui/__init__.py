"""Streamlit helpers of the ModLens dashboard.

Pages in ``pages/`` stay thin: they read widgets, call :mod:`core` through
these helpers, and render.

* :mod:`ui.shell`: page config, the page list with URL paths, the page guard.
* :mod:`ui.state`: the one owner of session-state keys.
* :mod:`ui.resources`: the cached model and cached, background scoring.
* :mod:`ui.render`: safe rendering of hostile text.
* :mod:`ui.score_view`: the Score page's sections.
* :mod:`ui.bias_view`: the Bias page's sections (and their cached computations).
* :mod:`ui.inputs`, :mod:`ui.results`: logic without Streamlit (tested directly).
* :mod:`ui.model_view`: the Model page's sections; :mod:`ui.model_data` its logic without
  Streamlit; :mod:`ui.training_job` / :mod:`ui.training_process` the background training.
"""
