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
Ingests one collection of a park: validates the rides, stores one ride row
each (ride_snapshots) and the park row (park_snapshots), and derives every
column of both from the stored ride rows in SQL (park_snapshots_derive, the
one formula). Upserts: a retry is harmless, and a snapshot recorded again for
the same park and time replaces the old one entirely (its ride rows too).
Keeps rides.last_operated_at and ride_operating_days exact.

History, not arrival order: when the snapshot is late (older than others of
its park), corrected or takes an OPERATING status back, the park''s other
snapshots whose down rule (rest of the local day) or 7-day weight it changes
are derived again in the same transaction; their hours are queued by the
triggers and re-aggregated by the next cycle. For the usual collection,
newer than every stored snapshot of its park, nothing else is touched.

Classes: OPERATING rides are operating, REFURBISHMENT rides in refurbishment;
a ride is down when its status is DOWN, or CLOSED at an open park with
closed_means_down = 1, and it operated earlier in the same local day (a ride
closed all day is a scheduled closure; rides CLOSED because the whole park
has closed for the night are not breakdowns); every other ride is closed.
weight_total sums ride_tier_weight() over rides not in refurbishment that
operated within the 7 days up to p_recorded_at; weight_down over down rides;
shame_score = ROUND(weight_down / weight_total * 10, 2), NULL when
weight_total = 0. Waits: over OPERATING rides reporting wait_minutes > 0.

Bad input is refused with SQLSTATE 45000 and a message naming the offending
value, before anything is written: unknown park or ride, a ride of another
park, a ride listed twice, a key twice in one ride object, an unknown status,
a wait that is not a whole number of minutes from 0 to 1000, malformed JSON,
park_open not 0/1, recorded_at more than a minute in the future, outside the
calendar (calendar_days) or older than the retention horizon of raw data
(raw_retention_days before now, and the raw_purged watermark).

Transactions: called with no transaction open, it runs its own (READ
COMMITTED) and commits it, retrying up to 30 times (with a short growing
pause, at most 0.2 s) on a deadlock (1213) or a lock wait timeout (1205), so
concurrent collectors never see either (12 attempts let one call in a few
hundred through on a busy 2-core machine). Called
inside the caller''s open transaction, it joins it without committing, and on
failure undoes only its own writes (ROLLBACK TO SAVEPOINT): the caller''s
earlier work is left as it was. Writers of the same park take turns on the
park''s row; other parks are never locked. Returns a one-row summary.

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
-- summary: Recorded park 7 at 2026-11-24 18:05:00 UTC: 1 of 2 rides down, shame score 6.00

Granted to
----------
collector: EXECUTE (SQL SECURITY DEFINER: it writes with its definer''s rights).
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_in_transaction TINYINT DEFAULT 0;
    DECLARE v_attempt INT DEFAULT 0;
    DECLARE v_written TINYINT DEFAULT 0;
    DECLARE v_retry TINYINT DEFAULT 0;
    DECLARE v_park_found INT UNSIGNED DEFAULT NULL;
    DECLARE v_calendar_start DATETIME DEFAULT NULL;
    DECLARE v_calendar_end DATETIME DEFAULT NULL;
    DECLARE v_retention_days INT DEFAULT NULL;
    DECLARE v_horizon DATETIME DEFAULT NULL;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_keys_raw BIGINT DEFAULT 0;
    DECLARE v_keys_parsed BIGINT DEFAULT 0;
    DECLARE v_text LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE v_problem VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;

    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        SET @parkstats_deriving = NULL;
        DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_rides;
        DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_old;
        DROP TEMPORARY TABLE IF EXISTS tmp_operating_changes;
        DROP TEMPORARY TABLE IF EXISTS tmp_derive_windows;
        RESIGNAL;
    END;

    -- 0. Is the caller inside a transaction? SET TRANSACTION fails with 1568
    --    then (on MariaDB and MySQL alike); otherwise it makes our own
    --    transaction READ COMMITTED (no gap locks on other parks' rows). Asked
    --    before anything reads a table (autocommit=0 would open one).
    BEGIN
        DECLARE CONTINUE HANDLER FOR 1568 SET v_in_transaction = 1;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    END;

    -- 1. Arguments (nothing is written until every check has passed)
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
        SELECT MIN(utc_start),
               MAX(utc_end)
          INTO v_calendar_start, v_calendar_end
          FROM calendar_days;
        SET v_retention_days = CAST(parkstats_setting('raw_retention_days') AS SIGNED);
        SET v_raw_purged = (SELECT done_through
                              FROM aggregation_watermarks
                             WHERE level = 'raw_purged');
        SET v_horizon = GREATEST(v_now - INTERVAL v_retention_days DAY,
                                 COALESCE(v_raw_purged, '1000-01-01 00:00:00'));
        IF NOT (p_recorded_at >= v_calendar_start AND p_recorded_at < v_calendar_end) THEN
            SET v_problem = CONCAT('recorded_at ', p_recorded_at, ' is outside the calendar (',
                                   COALESCE(v_calendar_start, '?'), ' .. ', COALESCE(v_calendar_end, '?'),
                                   ' UTC, calendar_days)');
        ELSEIF p_recorded_at < v_horizon THEN
            SET v_problem = CONCAT('recorded_at ', p_recorded_at,
                                   ' is older than the retention horizon of raw data (', v_horizon,
                                   ' UTC: raw_retention_days = ', v_retention_days,
                                   IF(v_horizon <=> v_raw_purged, ', raw data purged before it', ''), ')');
        END IF;
    END IF;
    IF v_problem IS NULL THEN
        SET v_park_found = (SELECT park_id
                              FROM parks
                             WHERE park_id = p_park_id);
        IF v_park_found IS NULL THEN
            SET v_problem = CONCAT('Unknown park_id ', p_park_id);
        END IF;
    END IF;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    -- 2. The rides, one row each
    DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_rides;
    CREATE TEMPORARY TABLE tmp_snapshot_rides (
        ord          INT UNSIGNED      NOT NULL,
        elem         JSON              NULL,
        ride_id      INT UNSIGNED      NULL,
        status       VARCHAR(16)       CHARACTER SET ascii COLLATE ascii_bin NULL,
        wait_minutes SMALLINT UNSIGNED NULL,
        PRIMARY KEY (ord)
    );

    INSERT INTO tmp_snapshot_rides (ord, elem)
    SELECT jt.ord,
           jt.elem
      FROM JSON_TABLE(p_rides_json, '$[*]' COLUMNS (
               ord  FOR ORDINALITY,
               elem JSON PATH '$'
           )) AS jt;

    -- An element is valid when it is an object without a repeated key, with an
    -- integer ride_id, a known status string and an absent, null or whole-number
    -- wait from 0 to 1000.
    SELECT CONCAT('ride #', ord, ' of rides_json: ', CASE
               WHEN COALESCE(JSON_TYPE(elem), '') <> 'OBJECT'
                   THEN CONCAT('expected an object like {"ride_id": 12, "status": "OPERATING"}, got ',
                               COALESCE(LEFT(elem, 80), 'null'))
               WHEN JSON_LENGTH(elem) <> JSON_LENGTH(JSON_KEYS(elem))
                   THEN CONCAT('a key appears more than once in ', LEFT(elem, 120),
                               ' (MySQL reads the last, MariaDB the first)')
               WHEN COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.ride_id')), '') NOT IN ('INTEGER', 'UNSIGNED INTEGER')
                   THEN 'ride_id is missing or not an integer'
               WHEN NOT (JSON_EXTRACT(elem, '$.ride_id') BETWEEN 1 AND 4294967295)
                   THEN CONCAT('Unknown ride_id ', JSON_EXTRACT(elem, '$.ride_id'))
               WHEN COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.status')), '') <> 'STRING'
                   THEN CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has no status string')
               WHEN UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))) NOT IN ('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
                   THEN CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has unknown status ',
                               LEFT(JSON_EXTRACT(elem, '$.status'), 40),
                               ' (allowed: OPERATING, DOWN, CLOSED, REFURBISHMENT)')
               ELSE CONCAT('ride ', JSON_EXTRACT(elem, '$.ride_id'), ' has wait_minutes ',
                           LEFT(JSON_EXTRACT(elem, '$.wait_minutes'), 40),
                           ', expected null or a whole number of minutes from 0 to 1000')
           END)
      INTO v_problem
      FROM tmp_snapshot_rides
     WHERE COALESCE(JSON_TYPE(elem), '') <> 'OBJECT'
        OR JSON_LENGTH(elem) <> JSON_LENGTH(JSON_KEYS(elem))
        OR COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.ride_id')), '') NOT IN ('INTEGER', 'UNSIGNED INTEGER')
        OR NOT (JSON_EXTRACT(elem, '$.ride_id') BETWEEN 1 AND 4294967295)
        OR COALESCE(JSON_TYPE(JSON_EXTRACT(elem, '$.status')), '') <> 'STRING'
        OR UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))) NOT IN ('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
        OR NOT (JSON_EXTRACT(elem, '$.wait_minutes') IS NULL
                OR JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) = 'NULL'
                OR (JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')
                    AND CAST(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.wait_minutes')) AS DECIMAL(30, 6)) BETWEEN 0 AND 1000
                    AND CAST(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.wait_minutes')) AS DECIMAL(30, 6))
                        = FLOOR(CAST(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.wait_minutes')) AS DECIMAL(30, 6)))))
     ORDER BY ord
     LIMIT 1;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    -- A repeated key that the server's parser already merged (MySQL keeps the
    -- last): the raw text has more keys than the parsed document. Every string
    -- token becomes S, so a key is an S followed by a colon.
    SET v_text = REGEXP_REPLACE(REGEXP_REPLACE(p_rides_json, '"([^"\\\\]|\\\\.)*"', 'S'), '[[:space:]]+', '');
    SET v_keys_raw = (CHAR_LENGTH(v_text) - CHAR_LENGTH(REPLACE(v_text, 'S:', ''))) DIV 2;
    SET v_text = REGEXP_REPLACE(REGEXP_REPLACE(JSON_EXTRACT(p_rides_json, '$'), '"([^"\\\\]|\\\\.)*"', 'S'),
                                '[[:space:]]+', '');
    SET v_keys_parsed = (CHAR_LENGTH(v_text) - CHAR_LENGTH(REPLACE(v_text, 'S:', ''))) DIV 2;
    SET v_text = NULL;
    IF v_keys_raw <> v_keys_parsed THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'rides_json repeats a key within one ride object (MySQL reads the last, MariaDB the first)';
    END IF;

    UPDATE tmp_snapshot_rides
       SET ride_id = JSON_EXTRACT(elem, '$.ride_id'),
           status = UPPER(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.status'))),
           wait_minutes = CASE
                              WHEN JSON_TYPE(JSON_EXTRACT(elem, '$.wait_minutes')) = 'NULL' THEN NULL
                              ELSE CAST(JSON_UNQUOTE(JSON_EXTRACT(elem, '$.wait_minutes')) AS DECIMAL(30, 6))
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

    -- A plain SELECT: a consistent read that locks nothing. (An UPDATE of the
    -- scratch table joined to rides took shared locks on those rides, outside the
    -- write transaction and its deadlock retry, so a concurrent writer of the park,
    -- updating rides.last_operated_at, could make this the deadlock's victim.)
    SELECT CASE
               WHEN r.park_id IS NULL THEN CONCAT('Unknown ride_id ', t.ride_id)
               ELSE CONCAT('ride_id ', t.ride_id, ' belongs to park ', r.park_id,
                           ', not to park ', p_park_id)
           END
      INTO v_problem
      FROM tmp_snapshot_rides AS t
      LEFT JOIN rides AS r
        ON r.ride_id = t.ride_id
     WHERE r.park_id IS NULL
        OR r.park_id <> p_park_id
     ORDER BY t.ord
     LIMIT 1;
    IF v_problem IS NOT NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_problem;
    END IF;

    -- Scratch tables of the writing half (created outside any transaction of ours).
    DROP TEMPORARY TABLE IF EXISTS tmp_snapshot_old;
    CREATE TEMPORARY TABLE tmp_snapshot_old (
        ride_id INT UNSIGNED NOT NULL,
        status  VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        PRIMARY KEY (ride_id)
    );
    DROP TEMPORARY TABLE IF EXISTS tmp_operating_changes;
    CREATE TEMPORARY TABLE tmp_operating_changes (
        ride_id   INT UNSIGNED NOT NULL,
        added     TINYINT      NOT NULL,
        old_first DATETIME     NULL,
        old_last  DATETIME     NULL,
        new_first DATETIME     NULL,
        new_last  DATETIME     NULL,
        PRIMARY KEY (ride_id)
    );
    DROP TEMPORARY TABLE IF EXISTS tmp_derive_windows;
    CREATE TEMPORARY TABLE tmp_derive_windows (
        lo DATETIME NOT NULL,
        hi DATETIME NOT NULL,
        PRIMARY KEY (lo, hi)
    );

    -- 3. Write: joined to the caller's transaction, or in our own.
    IF v_in_transaction = 1 THEN
        SAVEPOINT parkstats_record_park_snapshot;
        BEGIN
            DECLARE EXIT HANDLER FOR SQLEXCEPTION
            BEGIN
                BEGIN
                    -- After a deadlock the server already rolled the whole transaction back.
                    DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
                    ROLLBACK TO SAVEPOINT parkstats_record_park_snapshot;
                END;
                RESIGNAL;
            END;
            CALL record_park_snapshot_write(p_park_id, p_recorded_at, p_park_open);
        END;
        RELEASE SAVEPOINT parkstats_record_park_snapshot;
    ELSE
        WHILE v_written = 0 DO
            SET v_attempt = v_attempt + 1;
            SET v_retry = 0;
            -- autocommit=0: end the read-only transaction the checks opened.
            COMMIT;
            BEGIN
                DECLARE CONTINUE HANDLER FOR 1568 BEGIN END;
                SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            END;
            BEGIN
                DECLARE EXIT HANDLER FOR 1213, 1205
                BEGIN
                    ROLLBACK;
                    IF v_attempt >= 30 THEN
                        RESIGNAL;
                    END IF;
                    SET v_retry = 1;
                END;
                DECLARE EXIT HANDLER FOR SQLEXCEPTION
                BEGIN
                    ROLLBACK;
                    RESIGNAL;
                END;
                START TRANSACTION;
                CALL record_park_snapshot_write(p_park_id, p_recorded_at, p_park_open);
                COMMIT;
                SET v_written = 1;
            END;
            IF v_retry = 1 THEN
                DO SLEEP(LEAST(0.2, 0.005 * v_attempt * v_attempt) + RAND() * 0.02);
            END IF;
        END WHILE;
    END IF;
    SET @parkstats_deriving = NULL;

    -- 4. Summary
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
    DROP TEMPORARY TABLE tmp_snapshot_old;
    DROP TEMPORARY TABLE tmp_operating_changes;
    DROP TEMPORARY TABLE tmp_derive_windows;
END
