"""The dashboard's work without widgets: models, scoring, explanations, bias, labelled data, training.

Modules here may cache with ``st.cache_data`` / ``st.cache_resource`` and keep
shared session data (:mod:`ui.services.session`), but draw nothing; sections and
components call them and tests call them directly.
"""
