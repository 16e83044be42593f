"""How the API answers a period: which stored rows cover it, and the SQL that reads them.

* ``vocabulary``: the levels rows are kept at, and the entities (parks) with
  their tables, key and measures;
* ``spans``: the span planner, pure Python: a period, the aggregation
  progress and an entity's levels in, the level each part of the period is
  read from out;
* ``state``: that progress read from the database (watermarks, yearly
  coverage, queued buckets and the rule making them stale), kept briefly in
  process by ``PlanCache``;
* ``binds``: named statement parameters;
* ``metrics``: the metrics as SQL over summed measures;
* ``render``: the planned reads as SQL sources (one UNION ALL);
* ``ranking`` and ``figures``: the API's two statements over those sources.
"""
