"""ModLens core: read posts, train and run the LSTM classifier, explain and audit it.

Nothing in this package imports Streamlit; the dashboard in ``pages/`` and the
command line in :mod:`core.cli` both call into it.
"""

from __future__ import annotations

__version__ = "0.1.0"
