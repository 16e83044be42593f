CREATE FUNCTION aggregation_day_ready(p_stat_date DATE)
    RETURNS TINYINT
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: 1 when the local day can be aggregated from its hours: every one
of its 23, 24 or 25 UTC hours is aggregated (aggregation_hours_done: before
the hourly watermark or in a range a backfill wrote ahead of it) and none is
queued in aggregation_queue (dirty or failed), i.e. the view stale_buckets
lists no queued hour of it. Else 0 (also for a date outside calendar_days).

Parameters
----------
p_stat_date (DATE): the local date in the reporting time zone.

Example
-------
SELECT aggregation_day_ready(''2026-11-23'');
-- 1 once all of its hours are aggregated and clean
'
BEGIN
    DECLARE v_start DATETIME DEFAULT NULL;
    DECLARE v_end DATETIME DEFAULT NULL;

    SELECT utc_start, utc_end
      INTO v_start, v_end
      FROM calendar_days
     WHERE local_date = p_stat_date;
    IF v_start IS NULL OR aggregation_hours_done(v_start, v_end) = 0 THEN
        RETURN 0;
    END IF;
    RETURN NOT EXISTS (
        SELECT 1
          FROM stale_buckets AS s
         WHERE s.level = 'daily'
           AND s.period_start = CAST(p_stat_date AS DATETIME)
           AND s.queued_level = 'hourly');
END
