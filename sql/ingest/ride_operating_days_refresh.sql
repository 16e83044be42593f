CREATE PROCEDURE ride_operating_days_refresh(
    IN p_park_id INT UNSIGNED,
    IN p_from_date DATE,
    IN p_to_date DATE)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rebuilds, from the stored ride rows only, the operating facts of the
rides of park p_park_id for the local days [p_from_date, p_to_date]:
ride_operating_days (first and last OPERATING time per ride and local day; a
row is deleted when the ride no longer operated that day) and
rides.last_operated_at of the park''s rides (the newest OPERATING time stored;
a value older than the raw_purged watermark, whose rows retention dropped, is
kept). A day at a time with constant UTC bounds, through the key (park_id,
recorded_at) of ride_snapshots: about 7,000 index entries for a day of a
park of 25 rides. Does not commit; the caller holds the park''s row lock.
Called by record_park_snapshot (when a correction takes an OPERATING status
back) and snapshot_recompute_pending.

Parameters
----------
p_park_id (INT UNSIGNED): the park.
p_from_date (DATE): first local date.
p_to_date (DATE): last local date, included.

Example
-------
CALL ride_operating_days_refresh(7, ''2026-11-24'', ''2026-11-24'');
'
BEGIN
    DECLARE v_day DATE;
    DECLARE v_from_utc DATETIME;
    DECLARE v_to_utc DATETIME;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;

    SET v_day = p_from_date;
    WHILE v_day <= p_to_date DO
        SET v_from_utc = NULL;
        SELECT utc_start,
               utc_end
          INTO v_from_utc, v_to_utc
          FROM calendar_days
         WHERE local_date = v_day;
        IF v_from_utc IS NOT NULL THEN
            INSERT INTO ride_operating_days (ride_id, local_date, first_operated_at, last_operated_at)
            SELECT rs.ride_id,
                   v_day,
                   MIN(rs.recorded_at),
                   MAX(rs.recorded_at)
              FROM ride_snapshots AS rs FORCE INDEX (ix_ride_snapshots_park_time)
             WHERE rs.park_id = p_park_id
               AND rs.recorded_at >= v_from_utc
               AND rs.recorded_at < v_to_utc
               AND rs.status = 'OPERATING'
             GROUP BY rs.ride_id
            ON DUPLICATE KEY UPDATE
                first_operated_at = VALUES(first_operated_at),
                last_operated_at = VALUES(last_operated_at);

            -- Through the key (ride_id, local_date) from the park's rides: the
            -- index on local_date would lock every park's rides of the day.
            -- Both reads of ride_snapshots lock what they read (a locking read
            -- in a writing statement), so each reads only this park's rows, by
            -- the index that holds them: the park's rows of the day above, and
            -- here each ride's rows until its first OPERATING one (a scalar
            -- subquery, evaluated per ride). Written as NOT EXISTS, without the
            -- index named, the plan was the server's to choose by its
            -- statistics: in one bench run a refresh of one park waited for a
            -- lock on another park's ride rows, and 2 of 2,833 calls of 8
            -- concurrent collectors failed with a deadlock (docs/benchmarks.md).
            DELETE d
              FROM rides AS r
              JOIN ride_operating_days AS d FORCE INDEX (PRIMARY)
                ON d.ride_id = r.ride_id
             WHERE r.park_id = p_park_id
               AND d.local_date = v_day
               AND (SELECT 1
                      FROM ride_snapshots AS rs FORCE INDEX (uq_ride_snapshots_ride_time)
                     WHERE rs.ride_id = d.ride_id
                       AND rs.recorded_at >= v_from_utc
                       AND rs.recorded_at < v_to_utc
                       AND rs.status = 'OPERATING'
                     LIMIT 1) IS NULL;
        END IF;
        SET v_day = v_day + INTERVAL 1 DAY;
    END WHILE;

    SELECT done_through
      INTO v_raw_purged
      FROM aggregation_watermarks
     WHERE level = 'raw_purged';
    UPDATE rides AS r
       SET r.last_operated_at = COALESCE(
               (SELECT MAX(d.last_operated_at)
                  FROM ride_operating_days AS d
                 WHERE d.ride_id = r.ride_id),
               CASE WHEN r.last_operated_at < v_raw_purged THEN r.last_operated_at END)
     WHERE r.park_id = p_park_id;
END
