"""Widgets that more than one page (or section) uses: each draws one job the same way everywhere.

Components call :mod:`ui.services`; they own no page's state and are handed the
keys of the feature that uses them.
"""
