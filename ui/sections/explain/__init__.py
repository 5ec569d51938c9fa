"""The Explain page's sections: pick a post, its attributions, removing a word, what-if, the global view.

Post text is hostile. It is shown only through :func:`ui.components.safe_text.post_text`,
widgets (text areas, select box options) and dataframes, or inside
:func:`core.explain.highlight_html`, whose HTML is built from escaped text and
rendered with ``st.html`` (sanitised again by Streamlit). Plotly reads axis text
as pseudo-HTML, so words go into figures escaped (:func:`ui.components.safe_text.plotly_text`).
"""
