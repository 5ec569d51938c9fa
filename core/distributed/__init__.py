"""Scoring on a Ray cluster: ``python -m core score INPUT -o OUTDIR --engine ray``.

- :mod:`~core.distributed.files`: which files an INPUT (file, folder or glob) names.
- :mod:`~core.distributed.outdir`: the output folder: staging, atomic parts, the manifest, exactly-once checks.
- :mod:`~core.distributed.ray_engine`: the Ray Data pipeline (reader datasource, scoring actor pool).

Only :mod:`~core.distributed.ray_engine` imports Ray, and only when the Ray engine runs.
"""
