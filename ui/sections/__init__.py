"""One package per page, one module per section of the page, in the order the page shows them.

Each section module owns the session-state keys of its widgets and calls
:mod:`ui.components` and :mod:`ui.services`; the scripts in ``pages/`` call the
sections top to bottom.
"""
