CREATE PROCEDURE running_daily_ride_refresh(
    IN p_park_id INT UNSIGNED,
    IN p_from_date DATE,
    IN p_to_date DATE)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: recomputes running_daily_ride_stats for the rides of park p_park_id
(NULL: every park) on the local days [p_from_date, p_to_date] (both included)
from the raw ride rows, exactly: one grouped INSERT ... SELECT ... ON
DUPLICATE KEY UPDATE (absolute values) for every ride with ride rows on a day,
then deletes the rows of those days whose ride has no ride row left there.
What a ride row adds comes only from the view ride_snapshot_measures (its
class as stored in ride_snapshots: run it after park_snapshots_derive).
Called by record_park_snapshot_write (a late or re-recorded snapshot: other
ride rows of the day may have changed class), snapshot_recompute_pending
(after it re-derives a park''s days), the park_snapshots triggers (DELETE, a
move, a park_open change), backfill_aggregates() for the days of its range
not aggregated yet, verify_aggregates() (into its shadow), migrate after the
routines changed, and a DBA after loading snapshots with
@parkstats_bulk_load = 1 without a backfill. Readers never see a ride
missing: rows are replaced in place, and only rows left without ride rows
are deleted afterwards. For one park it reads and locks only that park''s rows
(through the keys (park_id, recorded_at) of the snapshots and (park_id,
stat_date) of the running rows), so writers of other parks never wait on it;
about 24 rides x 288 ride rows a day. A ride''s rows of one day are expected
under one park (its own). Does not commit.

Parameters
----------
p_park_id (INT UNSIGNED): the park, or NULL for every park.
p_from_date (DATE): first local date (reporting time zone).
p_to_date (DATE): last local date, included.

Example
-------
CALL running_daily_ride_refresh(7, ''2026-11-24'', ''2026-11-24'');
'
BEGIN
    DECLARE v_day DATE;
    DECLARE v_now DATETIME;
    DECLARE v_from_utc DATETIME;
    DECLARE v_to_utc DATETIME;

    SET v_now = parkstats_now();
    SET v_day = p_from_date;
    -- One day at a time: constant UTC bounds keep each statement one range of the
    -- day's partition.
    WHILE v_day <= p_to_date DO
        SET v_from_utc = NULL;
        SELECT utc_start,
               utc_end
          INTO v_from_utc, v_to_utc
          FROM calendar_days
         WHERE local_date = v_day;
        IF v_from_utc IS NOT NULL THEN
            INSERT INTO running_daily_ride_stats
                (stat_date, ride_id, park_id, sample_count, open_sample_count, operating_samples,
                 down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count,
                 peak_wait_minutes, updated_at)
            SELECT v_day,
                   m.ride_id,
                   MAX(m.park_id),
                   COUNT(*),
                   COALESCE(SUM(m.open_sample_count), 0),
                   COALESCE(SUM(m.operating_samples), 0),
                   COALESCE(SUM(m.down_samples), 0),
                   COALESCE(SUM(m.closed_samples), 0),
                   COALESCE(SUM(m.refurbishment_samples), 0),
                   COALESCE(SUM(m.wait_sum), 0),
                   COALESCE(SUM(m.wait_count), 0),
                   MAX(m.peak_wait_minutes),
                   v_now
              FROM ride_snapshot_measures AS m
             -- One park through the keys (park_id, recorded_at); every park through
             -- the clustered (recorded_at, ...): the optimizer picks by the range.
             -- The ride rows' own time is bounded too: through the park snapshot's
             -- alone, the ride rows were read by park_id only (every day kept).
             WHERE m.park_id BETWEEN COALESCE(p_park_id, 0) AND COALESCE(p_park_id, 4294967295)
               AND m.recorded_at >= v_from_utc
               AND m.recorded_at < v_to_utc
               AND m.ride_recorded_at >= v_from_utc
               AND m.ride_recorded_at < v_to_utc
             GROUP BY m.ride_id
            ON DUPLICATE KEY UPDATE
                park_id = VALUES(park_id),
                sample_count = VALUES(sample_count),
                open_sample_count = VALUES(open_sample_count),
                operating_samples = VALUES(operating_samples),
                down_samples = VALUES(down_samples),
                closed_samples = VALUES(closed_samples),
                refurbishment_samples = VALUES(refurbishment_samples),
                wait_sum = VALUES(wait_sum),
                wait_count = VALUES(wait_count),
                peak_wait_minutes = VALUES(peak_wait_minutes),
                updated_at = VALUES(updated_at);

            -- Rows whose ride has no ride row left that day (deleted or moved away).
            DELETE FROM running_daily_ride_stats
             WHERE stat_date = v_day
               AND park_id BETWEEN COALESCE(p_park_id, 0) AND COALESCE(p_park_id, 4294967295)
               AND NOT EXISTS (SELECT 1
                                 FROM ride_snapshot_measures AS m
                                WHERE m.ride_id = running_daily_ride_stats.ride_id
                                  AND m.park_id = running_daily_ride_stats.park_id
                                  AND m.ride_recorded_at >= v_from_utc
                                  AND m.ride_recorded_at < v_to_utc
                                  AND m.recorded_at >= v_from_utc
                                  AND m.recorded_at < v_to_utc);
        END IF;
        SET v_day = v_day + INTERVAL 1 DAY;
    END WHILE;
END
