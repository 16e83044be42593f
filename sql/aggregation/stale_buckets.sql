CREATE VIEW stale_buckets AS
-- The buckets whose stored aggregate rows are stale: the one statement of the
-- rule "a queued hour makes its local day and that day's year stale; a queued
-- day its year". Read by the cycle (aggregation_day_ready: a day is aggregated
-- only when no hour of it is queued) and by the API (webapi/query/state.py:
-- a stale bucket is read from finer rows).
--   level         'hourly', 'daily' or 'yearly': the stale bucket's level
--   period_start  the UTC hour; the local date at 00:00; Jan 1 at 00:00
--   queued_level  the level of the queued bucket that makes it stale
-- Example: with the hour 2026-11-24 18:00 UTC queued,
--   SELECT level, period_start, queued_level FROM stale_buckets;
--   -> hourly 2026-11-24 18:00:00 hourly / daily 2026-11-24 00:00:00 hourly /
--      yearly 2026-01-01 00:00:00 hourly
SELECT q.level AS level,
       q.period_start AS period_start,
       q.level AS queued_level
  FROM aggregation_queue AS q
UNION
SELECT 'daily',
       CAST(local_date_of(q.period_start) AS DATETIME),
       q.level
  FROM aggregation_queue AS q
 WHERE q.level = 'hourly'
UNION
SELECT 'yearly',
       CAST(MAKEDATE(YEAR(CASE
                              WHEN q.level = 'hourly' THEN local_date_of(q.period_start)
                              ELSE q.period_start
                          END), 1) AS DATETIME),
       q.level
  FROM aggregation_queue AS q
 WHERE q.level IN ('hourly', 'daily')
