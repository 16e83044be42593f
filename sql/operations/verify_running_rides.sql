CREATE PROCEDURE verify_running_rides(
    IN p_compare TINYINT,
    IN p_running_from DATE,
    IN p_running_to DATE,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, the running ride rows of verify_aggregates (kept apart so that each
routine stays small), once its shadows exist (verify_shadows_create: the
session''s running_daily_ride_stats is then a temporary copy of the stored
rows of the running days). With p_compare = 0: copies those rows into the
temporary table verify_running_ride_stored, recomputes the running days
[p_running_from, p_running_to] from the raw ride rows into the shadow with
running_daily_ride_refresh (the very procedure that keeps them) and returns
the number of recomputed rows in p_rows. With p_compare = 1: writes every
running ride row that is missing, differs (the columns named) or is extra (a
stored row of a ride without ride rows that day) into the temporary table
verify_differences (level running_ride) and drops the copy; p_rows is 0.
Nothing is done for an empty range (p_running_from > p_running_to).

Parameters
----------
p_compare (TINYINT): 0 copy and recompute, 1 compare.
p_running_from (DATE): first running day checked (local date).
p_running_to (DATE): last running day checked, included.
p_rows (BIGINT, OUT): the running ride rows recomputed (p_compare = 0).

Example
-------
CALL verify_running_rides(0, ''2026-11-24'', ''2026-11-24'', @rows);
-- (verify_aggregates only: it needs the shadows and verify_differences)
'
BEGIN
    SET p_rows = 0;
    IF p_compare = 0 THEN
        -- Copied right before the recomputation (a snapshot recorded in between
        -- shows up as a difference).
        CALL verify_table_copy('running_daily_ride_stats', 'verify_running_ride_stored', 'stat_date',
                               p_running_from, p_running_to + INTERVAL 1 DAY);
        IF p_running_from <= p_running_to THEN
            CALL running_daily_ride_refresh(NULL, p_running_from, p_running_to);
            SELECT COUNT(*)
              INTO p_rows
              FROM running_daily_ride_stats
             WHERE stat_date >= p_running_from
               AND stat_date <= p_running_to;
        END IF;
    ELSE
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'running_ride',
               e.stat_date,
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM running_daily_ride_stats AS e
          LEFT JOIN verify_running_ride_stored AS a
            ON a.stat_date = e.stat_date
           AND a.ride_id = e.ride_id
         WHERE e.stat_date >= p_running_from
           AND e.stat_date <= p_running_to
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored running ride rows of rides without any ride row that day.
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'running_ride',
               a.stat_date,
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_running_ride_stored AS a
          LEFT JOIN running_daily_ride_stats AS e
            ON e.stat_date = a.stat_date
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        DROP TEMPORARY TABLE IF EXISTS verify_running_ride_stored;
    END IF;
END
