CREATE FUNCTION aggregation_hours_done(p_from_utc DATETIME, p_to_utc DATETIME)
    RETURNS TINYINT
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: 1 when every UTC hour in [p_from_utc, p_to_utc) is aggregated,
else 0. An hour is aggregated when it lies before the hourly watermark
(aggregation_watermarks.hourly) or inside a range that backfill_aggregates()
aggregated ahead of it (aggregated_ranges). Whether an hour is dirty (queued
in aggregation_queue) is another question: see aggregation_day_ready.

Parameters
----------
p_from_utc (DATETIME): start of the span, UTC.
p_to_utc (DATETIME): end of the span, UTC, exclusive.

Example
-------
SELECT aggregation_hours_done(''2026-11-23 08:00:00'', ''2026-11-24 08:00:00'');
-- 1 once the local day 2026-11-23 (Los Angeles) is wholly aggregated
'
BEGIN
    DECLARE v_done DATETIME DEFAULT NULL;

    SELECT done_through
      INTO v_done
      FROM aggregation_watermarks
     WHERE level = 'hourly';
    IF p_to_utc <= v_done THEN
        RETURN 1;
    END IF;
    -- Ranges never touch the watermark (the cycle absorbs them), so the part from
    -- the watermark on must lie inside one range.
    RETURN EXISTS (
        SELECT 1
          FROM aggregated_ranges AS r
         WHERE r.range_start <= GREATEST(p_from_utc, COALESCE(v_done, p_from_utc))
           AND r.range_end >= p_to_utc);
END
