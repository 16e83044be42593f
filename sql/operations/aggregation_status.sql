CREATE VIEW aggregation_status AS
-- Health of each aggregation level, read by the API (/api/health, /metrics)
-- and by DBAs: SELECT * FROM aggregation_status;
--   level                 'hourly', 'daily' or 'yearly'
--   last_success_at       finished_at of the newest successful job of the level
--   last_failure_at       finished_at of the newest failed job of the level, or of
--                         the newest job (cycle, backfill, retention) cut short by a
--                         crash or a killed session and marked abandoned (every level;
--                         its abandoned_at: an abandoned job has no finished_at)
--   last_error_message    the message of that failure
--   consecutive_failures  the most failures in a row of one bucket still waiting
--                         in aggregation_queue (0 when nothing keeps failing)
--   newest_period_start   start of the newest complete period aggregated: an hour
--                         (hourly), a local date at 00:00 (daily), Jan 1 of the
--                         newest year with a row (yearly)
--   lag_seconds           how long the next period has been waiting past its end
--                         (0 when on time; NULL when nothing was ever aggregated)
--   abandoned_jobs        jobs in the log (it keeps job_log_retention_days) that were
--                         cut short and marked failed by the next job holding the
--                         aggregation lock (aggregation_job_begin); the same in every row
--   primary_of_record     primary_of_record_state(): 'primary' where the jobs run,
--                         'read-only' on a replica, else why this writable server
--                         does not run them (its jobs log 'skipped' rows saying so);
--                         the same in every row
-- Times follow parkstats_now() (the real UTC clock unless @parkstats_now is set).
SELECT l.level AS level,
       (SELECT j.finished_at
          FROM aggregation_job_log AS j
         WHERE j.job_type = l.level
           AND j.status = 'success'
         ORDER BY j.started_at DESC
         LIMIT 1) AS last_success_at,
       (SELECT COALESCE(j.finished_at, j.abandoned_at)
          FROM aggregation_job_log AS j
         WHERE (j.job_type = l.level OR j.abandoned_at IS NOT NULL)
           AND j.status = 'failed'
         ORDER BY j.started_at DESC
         LIMIT 1) AS last_failure_at,
       (SELECT j.error_message
          FROM aggregation_job_log AS j
         WHERE (j.job_type = l.level OR j.abandoned_at IS NOT NULL)
           AND j.status = 'failed'
         ORDER BY j.started_at DESC
         LIMIT 1) AS last_error_message,
       COALESCE((SELECT MAX(q.failures)
                   FROM aggregation_queue AS q
                  WHERE q.level = l.level), 0) AS consecutive_failures,
       CASE l.level
           WHEN 'hourly' THEN
               (SELECT TIMESTAMPADD(HOUR, -1, w.done_through)
                  FROM aggregation_watermarks AS w
                 WHERE w.level = 'hourly')
           WHEN 'daily' THEN
               (SELECT TIMESTAMPADD(DAY, -1, w.done_through)
                  FROM aggregation_watermarks AS w
                 WHERE w.level = 'daily')
           ELSE
               (SELECT CAST(MAKEDATE(MAX(y.year), 1) AS DATETIME)
                  FROM yearly_park_stats AS y)
       END AS newest_period_start,
       CASE l.level
           WHEN 'hourly' THEN
               (SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, TIMESTAMPADD(HOUR, 1, w.done_through),
                                                 parkstats_now()))
                  FROM aggregation_watermarks AS w
                 WHERE w.level = 'hourly')
           WHEN 'daily' THEN
               (SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, c.utc_end, parkstats_now()))
                  FROM aggregation_watermarks AS w
                  JOIN calendar_days AS c
                    ON c.local_date = DATE(w.done_through)
                 WHERE w.level = 'daily')
           ELSE
               (SELECT CASE
                           WHEN NOT EXISTS (SELECT 1 FROM yearly_park_stats) THEN NULL
                           ELSE GREATEST(0, COALESCE(TIMESTAMPDIFF(SECOND, c.utc_end, parkstats_now()), 0))
                       END
                  FROM (SELECT MIN(t.year) AS year
                          FROM (SELECT y.year,
                                       MAX(y.last_stat_date) AS last_day
                                  FROM yearly_park_stats AS y
                                 GROUP BY y.year) AS t
                         WHERE t.last_day IS NULL
                            OR t.last_day < MAKEDATE(t.year + 1, 1) - INTERVAL 1 DAY) AS f
                  LEFT JOIN calendar_days AS c
                    ON c.local_date = MAKEDATE(f.year + 1, 1) - INTERVAL 1 DAY)
       END AS lag_seconds,
       (SELECT COUNT(*)
          FROM aggregation_job_log AS j
         WHERE j.abandoned_at IS NOT NULL) AS abandoned_jobs,
       primary_of_record_state() AS primary_of_record
  FROM (SELECT 'hourly' AS level
        UNION ALL
        SELECT 'daily'
        UNION ALL
        SELECT 'yearly') AS l
