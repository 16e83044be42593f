CREATE PROCEDURE aggregation_mark_dirty(IN p_recorded_at DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called by the triggers on park_snapshots: when a snapshot is
inserted, changed or deleted in a UTC hour that is already aggregated
(before the hourly watermark, or in a range that backfill_aggregates() wrote
ahead of it: aggregated_ranges), queues that hour in aggregation_queue (level
hourly) so the next run_aggregation() cycle re-aggregates the hour, its day
and its year. Hours not aggregated yet need nothing. A bucket already queued keeps its
failure count and back-off.

Parameters
----------
p_recorded_at (DATETIME): recorded_at of the snapshot (UTC).

Example
-------
CALL aggregation_mark_dirty(''2026-11-23 14:35:00'');
'
BEGIN
    DECLARE v_hour DATETIME;
    DECLARE v_done DATETIME DEFAULT NULL;
    DECLARE v_now DATETIME;
    DECLARE v_range_end DATETIME DEFAULT NULL;

    SELECT done_through
      INTO v_done
      FROM aggregation_watermarks
     WHERE level = 'hourly';

    SET v_hour = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', p_recorded_at), '2000-01-01');
    IF v_done IS NULL OR v_hour >= v_done THEN
        -- Ahead of the watermark: aggregated only inside a backfilled range.
        SELECT range_end
          INTO v_range_end
          FROM aggregated_ranges
         WHERE range_start <= v_hour
         ORDER BY range_start DESC
         LIMIT 1;
    END IF;
    IF v_hour < v_done OR v_hour < v_range_end THEN
        SET v_now = parkstats_now();
        INSERT INTO aggregation_queue
            (level, period_start, queued_at, failures, next_attempt_at, last_error)
        VALUES
            ('hourly', v_hour, v_now, 0, v_now, NULL)
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at);
    END IF;
END
