CREATE PROCEDURE record_park_snapshot(
    IN p_park_id     INT UNSIGNED,
    IN p_recorded_at DATETIME,
    IN p_park_open   TINYINT,
    IN p_rides_json  LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
)
    SQL SECURITY DEFINER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Ingests one collection of a park: validates the rides, classifies each one,
computes every column of park_snapshots in SQL and upserts the row (a
collector retry is harmless), keeping rides.last_operated_at and
ride_operating_days current. Returns a one-row summary.

Classes: OPERATING rides are operating, REFURBISHMENT rides in refurbishment;
a ride is down when its status is DOWN, or CLOSED at an open park with
closed_means_down = 1, and it operated earlier in the same local day (a ride
closed all day is a scheduled closure; rides CLOSED because the whole park
has closed for the night are not breakdowns); every other ride is closed.
weight_total sums ride_tier_weight() over rides not in refurbishment that
operated within the 7 days up to p_recorded_at; weight_down over down rides;
shame_score = ROUND(weight_down / weight_total * 10, 2), NULL when
weight_total = 0. Waits: over OPERATING rides reporting wait_minutes > 0.

Bad input is refused with SQLSTATE 45000 and a message saying what is wrong,
and writes nothing: unknown park or ride, a ride of another park, a ride
listed twice, an unknown status, a wait that is not a number >= 0, malformed
JSON, park_open not 0/1, or recorded_at more than a minute in the future.

Parameters
----------
p_park_id (INT UNSIGNED): parks.park_id.
p_recorded_at (DATETIME): UTC time of the collection.
p_park_open (TINYINT): 1 if the park was open, else 0.
p_rides_json (LONGTEXT): JSON array of
    {"ride_id": 12, "status": "OPERATING", "wait_minutes": 35};
    status is OPERATING, DOWN, CLOSED or REFURBISHMENT (any case);
    wait_minutes may be null or absent.

Example
-------
CALL record_park_snapshot(7, ''2026-11-24 18:05:00'', 1,
    ''[{"ride_id": 12, "status": "OPERATING", "wait_minutes": 35},
      {"ride_id": 13, "status": "DOWN"}]'');

Granted to
----------
collector: EXECUTE, its only privilege (SQL SECURITY DEFINER: it writes with its definer''s rights).
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_closed_means_down TINYINT;
    DECLARE v_local_date DATE;
    DECLARE v_problem VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;

    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_rides;
        RESIGNAL;
    END;

    -- 1. Arguments
    IF p_park_id IS NULL THEN
        SET v_problem = 'park_id is NULL';
    ELSEIF p_recorded_at IS NULL THEN
        SET v_problem = 'recorded_at is NULL';
    ELSEIF p_recorded_at > v_now + INTERVAL 1 MINUTE THEN
        SET v_problem = CONCAT('recorded_at ', p_recorded_at, ' is in the future (now is ',
                               v_now, ' UTC); snapshot times are UTC');
    ELSEIF p_park_open IS NULL OR p_park_open NOT IN (0, 1) THEN
        SET v_problem = CONCAT('park_open must be 0 or 1, not ', COALESCE(p_park_open, 'NULL'));
    ELSEIF p_rides_json IS NULL OR NOT JSON_VALID(p_rides_json) THEN
        SET v_problem = 'rides_json is not valid JSON';
    ELSEIF JSON_TYPE(p_rides_json) <> 'ARRAY' THEN
        SET v_problem = CONCAT('rides_json must be a JSON array of rides, not ',
                               LOWER(JSON_TYPE(p_rides_json)));
    END IF;
    IF v_problem IS NULL THEN
        SELECT closed_means_down
          INTO v_closed_means_down
          FROM parks
         WHERE park_id = p_park_id;
        IF v_closed_means_down IS NULL THEN
            SET v_problem = CONCAT('Unknown park_id ', p_park_id);
        END IF;
    END IF;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    SELECT local_date
      INTO v_local_date
      FROM calendar_days
     WHERE utc_start <= p_recorded_at
     ORDER BY utc_start DESC
     LIMIT 1;

    -- 2. The rides, one row each
    DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_rides;
    CREATE TEMPORARY TABLE tmp_snapshot_rides (
        ord          INT UNSIGNED  NOT NULL,
        elem         JSON          NULL,
        ride_id      INT UNSIGNED  NULL,
        status       VARCHAR(32)   CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
        wait_minutes DECIMAL(8, 2) NULL,
        ride_park_id INT UNSIGNED  NULL,
        weight       TINYINT       NULL,
        ride_class   VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NULL,
        counts_in_weight TINYINT   NULL,
        PRIMARY KEY (ord)
    );

    INSERT INTO tmp_snapshot_rides (ord, elem)
    SELECT jt.ord,
           jt.elem
      FROM JSON_TABLE(p_rides_json, '$[*]' COLUMNS (
               ord  FOR ORDINALITY,
               elem JSON PATH '$'
           )) AS jt;

    -- An element is valid when it is an object with an integer ride_id, a
    -- string status and an absent, null or numeric wait.
    SELECT CONCAT('ride #', ord, ' of rides_json: ', CASE
               WHEN COALESCE(JSON_TYPE(elem), '') <> 'OBJECT'
                   THEN CONCAT('expected an object like {"ride_id": 12, "status": "OPERATING"}, got ', COALESCE(elem, 'null'))
               WHEN COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.ride_id')), '') NOT IN ('INTEGER', 'UNSIGNED INTEGER')
                   THEN 'ride_id is missing or not an integer'
               WHEN COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.status')), '') <> 'STRING'
                   THEN CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has no status string')
               WHEN UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))) NOT IN ('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
                   THEN CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has unknown status ',
                               JSON_EXTRACT(elem, '$.status'), ' (allowed: OPERATING, DOWN, CLOSED, REFURBISHMENT)')
               ELSE CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has wait_minutes ',
                           JSON_EXTRACT(elem, '$.wait_minutes'), ', expected null or a number >= 0')
           END)
      INTO v_problem
      FROM tmp_snapshot_rides
     WHERE COALESCE(JSON_TYPE(elem), '') <> 'OBJECT'
        OR COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.ride_id')), '') NOT IN ('INTEGER', 'UNSIGNED INTEGER')
        OR COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.status')), '') <> 'STRING'
        OR UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))) NOT IN ('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
        OR NOT (JSON_EXTRACT(elem, '$.wait_minutes') IS NULL
                OR JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) = 'NULL'
                OR (JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')
                    AND JSON_EXTRACT(elem, '$.wait_minutes') >= 0
                    AND JSON_EXTRACT(elem, '$.wait_minutes') < 100000))
     ORDER BY ord
     LIMIT 1;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    UPDATE tmp_snapshot_rides
       SET ride_id = JSON_EXTRACT(elem, '$.ride_id'),
           status = UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))),
           wait_minutes = CASE
                              WHEN JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) = 'NULL' THEN NULL
                              ELSE JSON_EXTRACT(elem, '$.wait_minutes')
                          END;

    SELECT CONCAT('ride_id ', ride_id, ' is listed more than once in rides_json')
      INTO v_problem
      FROM tmp_snapshot_rides
     GROUP BY ride_id
    HAVING COUNT(*) > 1
     ORDER BY ride_id
     LIMIT 1;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    UPDATE tmp_snapshot_rides AS t
      JOIN rides AS r
        ON r.ride_id = t.ride_id
       SET t.ride_park_id = r.park_id,
           t.weight = ride_tier_weight(r.tier);

    SELECT CASE
               WHEN ride_park_id IS NULL THEN CONCAT('Unknown ride_id ', ride_id)
               ELSE CONCAT('ride_id ', ride_id, ' belongs to park ', ride_park_id,
                           ', not to park ', p_park_id)
           END
      INTO v_problem
      FROM tmp_snapshot_rides
     WHERE ride_park_id IS NULL
        OR ride_park_id <> p_park_id
     ORDER BY ord
     LIMIT 1;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    -- 3. Classify (the down rule) and find the rides that count in weight_total
    UPDATE tmp_snapshot_rides AS t
       SET t.ride_class = CASE
               WHEN t.status = 'OPERATING' THEN 'operating'
               WHEN t.status = 'REFURBISHMENT' THEN 'refurbishment'
               WHEN (t.status = 'DOWN'
                     OR (t.status = 'CLOSED' AND v_closed_means_down = 1 AND p_park_open = 1))
                    AND EXISTS (SELECT 1
                                  FROM ride_operating_days AS d
                                 WHERE d.ride_id = t.ride_id
                                   AND d.local_date = v_local_date
                                   AND d.first_operated_at < p_recorded_at)
                   THEN 'down'
               ELSE 'closed'
           END,
           t.counts_in_weight = CASE
               WHEN t.status = 'REFURBISHMENT' THEN 0
               WHEN t.status = 'OPERATING' THEN 1
               WHEN EXISTS (SELECT 1
                              FROM ride_operating_days AS d
                             WHERE d.ride_id = t.ride_id
                               AND d.local_date BETWEEN v_local_date - INTERVAL 8 DAY AND v_local_date
                               AND d.first_operated_at <= p_recorded_at
                               AND d.last_operated_at >= p_recorded_at - INTERVAL 7 DAY)
                   THEN 1
               ELSE 0
           END;

    -- 4. Write the snapshot and the ride history together
    START TRANSACTION;

    INSERT INTO park_snapshots (
        park_id, recorded_at, park_open, rides_total, rides_operating, rides_down,
        rides_closed, rides_refurbishment, weight_total, weight_down, shame_score,
        avg_wait_minutes, peak_wait_minutes, rides_reporting, ride_statuses
    )
    SELECT p_park_id,
           p_recorded_at,
           p_park_open,
           COUNT(*),
           COALESCE(SUM(ride_class = 'operating'), 0),
           COALESCE(SUM(ride_class = 'down'), 0),
           COALESCE(SUM(ride_class = 'closed'), 0),
           COALESCE(SUM(ride_class = 'refurbishment'), 0),
           COALESCE(SUM(CASE WHEN counts_in_weight = 1 THEN weight ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN ride_class = 'down' THEN weight ELSE 0 END), 0),
           ROUND(SUM(CASE WHEN ride_class = 'down' THEN weight ELSE 0 END)
                 / NULLIF(SUM(CASE WHEN counts_in_weight = 1 THEN weight ELSE 0 END), 0) * 10, 2),
           ROUND(AVG(CASE WHEN status = 'OPERATING' AND wait_minutes > 0 THEN wait_minutes END), 2),
           ROUND(MAX(CASE WHEN status = 'OPERATING' AND wait_minutes > 0 THEN wait_minutes END)),
           COALESCE(SUM(status = 'OPERATING' AND wait_minutes > 0), 0),
           p_rides_json
      FROM tmp_snapshot_rides
    ON DUPLICATE KEY UPDATE
        park_open = VALUES(park_open),
        rides_total = VALUES(rides_total),
        rides_operating = VALUES(rides_operating),
        rides_down = VALUES(rides_down),
        rides_closed = VALUES(rides_closed),
        rides_refurbishment = VALUES(rides_refurbishment),
        weight_total = VALUES(weight_total),
        weight_down = VALUES(weight_down),
        shame_score = VALUES(shame_score),
        avg_wait_minutes = VALUES(avg_wait_minutes),
        peak_wait_minutes = VALUES(peak_wait_minutes),
        rides_reporting = VALUES(rides_reporting),
        ride_statuses = VALUES(ride_statuses);

    INSERT INTO ride_operating_days (ride_id, local_date, first_operated_at, last_operated_at)
    SELECT ride_id,
           v_local_date,
           p_recorded_at,
           p_recorded_at
      FROM tmp_snapshot_rides
     WHERE ride_class = 'operating'
    ON DUPLICATE KEY UPDATE
        first_operated_at = LEAST(first_operated_at, VALUES(first_operated_at)),
        last_operated_at = GREATEST(last_operated_at, VALUES(last_operated_at));

    UPDATE rides AS r
      JOIN tmp_snapshot_rides AS t
        ON t.ride_id = r.ride_id
       SET r.last_operated_at = GREATEST(COALESCE(r.last_operated_at, p_recorded_at), p_recorded_at)
     WHERE t.ride_class = 'operating';

    COMMIT;

    -- 5. Summary
    SELECT CONCAT('Recorded park ', s.park_id, ' at ', s.recorded_at, ' UTC: ',
                  s.rides_down, ' of ', s.rides_total, ' rides down, shame score ',
                  COALESCE(s.shame_score, 'n/a')) AS summary,
           s.rides_total,
           s.rides_down,
           s.shame_score
      FROM park_snapshots AS s
     WHERE s.park_id = p_park_id
       AND s.recorded_at = p_recorded_at;
    DROP TEMPORARY TABLE tmp_snapshot_rides;
END
