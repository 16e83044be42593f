CREATE PROCEDURE snapshot_recompute_pending(IN p_from_utc DATETIME, IN p_to_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called first by run_aggregation() (with NULL, NULL) and by
backfill_aggregates() (with its range): makes the derived values of the
snapshots a function of the stored ride rows again where raw data changed
behind record_park_snapshot()''s back, before anything is aggregated.
1. With a range: queues the local days, per park, of the ride rows of
   [p_from_utc, p_to_utc) not classified yet (ride_class NULL: inserted
   directly by a bulk loader) in snapshot_recompute_queue.
2. Works off snapshot_recompute_queue (filled also by the DELETE and UPDATE
   triggers of park_snapshots): per park, up to 7 consecutive queued days at
   a time, in a transaction of its own (READ COMMITTED, the park''s row locked
   as record_park_snapshot does): rebuilds the operating facts of those days
   from the ride rows (ride_operating_days_refresh: ride_operating_days and
   rides.last_operated_at), then derives the park''s snapshots from the first
   day''s start to 7 days after the last day''s end (park_snapshots_derive:
   the rest of the local day for the down rule, 7 days for the weights).
   Changed park rows fire their triggers: their hours are queued dirty and
   their running daily sums refreshed, so the cycle that called this
   re-aggregates them. A failing entry is rolled back, keeps its place with
   failures + 1, last_error and a growing back-off (5 minutes, doubling, at
   most a day), and the others go on.
Returns no result set (it runs inside the cycle); the caller logs.

Parameters
----------
p_from_utc (DATETIME): start of a range whose unclassified ride rows to queue, or NULL.
p_to_utc (DATETIME): end of that range (exclusive), or NULL.

Example
-------
CALL snapshot_recompute_pending(NULL, NULL);
SELECT * FROM snapshot_recompute_queue;
'
BEGIN
    DECLARE v_now DATETIME;
    DECLARE v_park INT UNSIGNED;
    DECLARE v_locked INT UNSIGNED;
    DECLARE v_first DATE;
    DECLARE v_last DATE;
    DECLARE v_from_utc DATETIME;
    DECLARE v_to_utc DATETIME;
    DECLARE v_failed TINYINT;
    DECLARE v_message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_errno INT;
    DECLARE v_rounds INT DEFAULT 0;

    SET v_now = parkstats_now();

    -- 1. Bulk-loaded ride rows of the range.
    IF p_from_utc IS NOT NULL AND p_to_utc IS NOT NULL THEN
        INSERT INTO snapshot_recompute_queue (park_id, local_date, queued_at, failures, next_attempt_at)
        SELECT m.park_id,
               c.local_date,
               v_now,
               0,
               v_now
          FROM (SELECT rs.park_id AS park_id,
                       MIN(rs.recorded_at) AS first_at,
                       MAX(rs.recorded_at) AS last_at
                  FROM ride_snapshots AS rs
                 WHERE rs.recorded_at >= p_from_utc
                   AND rs.recorded_at < p_to_utc
                   AND rs.ride_class IS NULL
                 GROUP BY rs.park_id) AS m
          JOIN calendar_days AS c
            ON c.utc_end > m.first_at
           AND c.utc_start <= m.last_at
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at),
            next_attempt_at = LEAST(snapshot_recompute_queue.next_attempt_at, VALUES(next_attempt_at));
    END IF;

    -- 2. The queue, a park and up to 7 consecutive days at a time.
    queue: LOOP
        SET v_park = NULL;
        SET v_rounds = v_rounds + 1;
        SET v_park = (SELECT MIN(park_id)
                        FROM snapshot_recompute_queue
                       WHERE next_attempt_at <= v_now);
        SET v_first = (SELECT MIN(local_date)
                         FROM snapshot_recompute_queue
                        WHERE park_id = v_park
                          AND next_attempt_at <= v_now);
        IF v_park IS NULL OR v_rounds > 100000 THEN
            LEAVE queue;
        END IF;
        SET v_last = (SELECT MAX(local_date)
                        FROM snapshot_recompute_queue
                       WHERE park_id = v_park
                         AND local_date BETWEEN v_first AND v_first + INTERVAL 6 DAY
                         AND next_attempt_at <= v_now);
        SET v_from_utc = (SELECT utc_start FROM calendar_days WHERE local_date = v_first);
        SET v_to_utc = (SELECT utc_end FROM calendar_days WHERE local_date = v_last) + INTERVAL 7 DAY;
        SET v_failed = 0;
        BEGIN
            DECLARE CONTINUE HANDLER FOR 1568 BEGIN END;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        END;
        BEGIN
            DECLARE EXIT HANDLER FOR SQLEXCEPTION
            BEGIN
                GET DIAGNOSTICS CONDITION 1
                    v_errno = MYSQL_ERRNO,
                    v_message = MESSAGE_TEXT;
                ROLLBACK;
                SET @parkstats_deriving = NULL;
                SET v_failed = 1;
            END;
            START TRANSACTION;
            SET v_locked = NULL;
            SELECT COUNT(*)
              INTO v_locked
              FROM parks
             WHERE park_id = v_park
               FOR UPDATE;
            SET @parkstats_deriving = 1;
            IF v_locked = 1 AND v_from_utc IS NOT NULL THEN
                CALL ride_operating_days_refresh(v_park, v_first, v_last);
                CALL park_snapshots_derive(v_park, v_from_utc, v_to_utc);
                -- The ride sums of the days whose operating facts were rebuilt (the
                -- later days' re-derivation changes weights only, no ride measure).
                IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
                    CALL running_daily_ride_refresh(v_park, v_first, v_last);
                    -- The rides' newest rows among the snapshots re-derived.
                    CALL ride_latest_reoffer(v_park, v_from_utc, v_to_utc);
                END IF;
            END IF;
            SET @parkstats_deriving = NULL;
            DELETE FROM snapshot_recompute_queue
             WHERE park_id = v_park
               AND local_date BETWEEN v_first AND v_last
               AND next_attempt_at <= v_now;
            COMMIT;
        END;
        IF v_failed = 1 THEN
            UPDATE snapshot_recompute_queue
               SET failures = failures + 1,
                   next_attempt_at = v_now + INTERVAL LEAST(1440, 5 * POW(2, LEAST(failures, 12))) MINUTE,
                   last_error = LEFT(CONCAT(COALESCE(v_errno, 0), ': ', COALESCE(v_message, '')), 1024)
             WHERE park_id = v_park
               AND local_date BETWEEN v_first AND v_last;
        END IF;
    END LOOP;
END
