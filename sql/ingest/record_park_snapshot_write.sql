CREATE PROCEDURE record_park_snapshot_write(
    IN p_park_id     INT UNSIGNED,
    IN p_recorded_at DATETIME,
    IN p_park_open   TINYINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, the writing half of record_park_snapshot, which validated the
input into the temporary table tmp_snapshot_rides and runs this inside a
transaction (its own or the caller''s): it never commits.
1. Locks the park''s row in parks (FOR UPDATE): writers of the same park take
   turns; no other park''s row is locked.
2. Upserts the park_snapshots row (park_open; the derived columns follow in
   step 5) and the ride rows: the rides of the JSON are upserted, the ride rows
   of an earlier version of the same snapshot that it no longer lists are
   deleted, so a snapshot recorded again replaces the old one entirely.
3. Keeps the operating facts exact: an OPERATING status added at recorded_at
   extends ride_operating_days and rides.last_operated_at (LEAST/GREATEST);
   one taken back rebuilds the park''s day from its ride rows
   (ride_operating_days_refresh).
4. From the old and new first/last operating times of the rides whose
   OPERATING status changed, finds the windows of the park''s other snapshots
   whose down rule (rest of the local day) or 7-day weight can change, and
   keeps those that hold a snapshot.
5. Derives the snapshot and those windows from the stored ride rows
   (park_snapshots_derive). For the usual collection, newer than every stored
   snapshot of its park, no window holds a snapshot: only the snapshot itself
   is derived.
6. Keeps the day''s ride sums (running_daily_ride_stats): the usual new
   snapshot adds its ride rows (running_daily_ride_add); a snapshot recorded
   again with other values, or one whose windows re-derived other snapshots,
   recomputes the park''s local day (running_daily_ride_refresh); one recorded
   again exactly as stored (the collector''s re-send) changes nothing. Skipped with
   @parkstats_bulk_load = 1 (backfill_aggregates catches up).
7. Keeps each ride''s newest row (ride_latest_snapshots, the live ride
   rankings'' rows): offers the snapshot''s ride rows (ride_latest_offer), reads
   again the newest rows among the windows re-derived (ride_latest_reoffer),
   and searches again the newest row of a ride that a snapshot recorded again
   no longer lists (ride_latest_refresh). Skipped with @parkstats_bulk_load = 1.
Sets @parkstats_deriving while it writes (the park_snapshots triggers then
leave the recomputation to it instead of queueing it, and the ride_snapshots
triggers leave step 7 to it).

Parameters
----------
p_park_id (INT UNSIGNED): the park (validated).
p_recorded_at (DATETIME): UTC time of the collection (validated).
p_park_open (TINYINT): 0 or 1 (validated).

Example
-------
-- only through record_park_snapshot:
CALL record_park_snapshot(7, ''2026-11-24 18:05:00'', 1, ''[{"ride_id": 12, "status": "OPERATING"}]'');
'
BEGIN
    DECLARE v_locked INT UNSIGNED DEFAULT NULL;
    DECLARE v_day DATE;
    DECLARE v_rides INT;
    DECLARE v_lo DATETIME;
    DECLARE v_hi DATETIME;
    DECLARE v_unchanged TINYINT DEFAULT 0;
    DECLARE v_ride INT UNSIGNED;

    -- 1. The park's turn.
    SELECT park_id
      INTO v_locked
      FROM parks
     WHERE park_id = p_park_id
       FOR UPDATE;
    SET @parkstats_deriving = 1;
    SET v_day = local_date_of(p_recorded_at);
    SET v_rides = (SELECT COUNT(*) FROM tmp_snapshot_rides);

    -- The stored version of this snapshot, if any, and the rides whose
    -- OPERATING status at p_recorded_at changes.
    DELETE FROM tmp_snapshot_old;
    INSERT INTO tmp_snapshot_old (ride_id, status)
    SELECT rs.ride_id,
           rs.status
      FROM ride_snapshots AS rs
     WHERE rs.park_id = p_park_id
       AND rs.recorded_at = p_recorded_at;

    DELETE FROM tmp_operating_changes;
    INSERT INTO tmp_operating_changes (ride_id, added)
    SELECT n.ride_id,
           1
      FROM tmp_snapshot_rides AS n
     WHERE n.status = 'OPERATING'
       AND NOT EXISTS (SELECT 1
                         FROM tmp_snapshot_old AS o
                        WHERE o.ride_id = n.ride_id
                          AND o.status = 'OPERATING');
    INSERT INTO tmp_operating_changes (ride_id, added)
    SELECT o.ride_id,
           0
      FROM tmp_snapshot_old AS o
     WHERE o.status = 'OPERATING'
       AND NOT EXISTS (SELECT 1
                         FROM tmp_snapshot_rides AS n
                        WHERE n.ride_id = o.ride_id
                          AND n.status = 'OPERATING');
    UPDATE tmp_operating_changes AS c
      JOIN ride_operating_days AS d
        ON d.ride_id = c.ride_id
       AND d.local_date = v_day
       SET c.old_first = d.first_operated_at,
           c.old_last = d.last_operated_at;
    -- The same snapshot recorded again as stored (the collector's re-send): same
    -- park_open, the same rides with the same statuses and waits. Nothing it adds
    -- to the ride sums changes then (step 6).
    SET v_unchanged = EXISTS (SELECT 1
                                FROM park_snapshots AS s
                               WHERE s.park_id = p_park_id
                                 AND s.recorded_at = p_recorded_at
                                 AND s.park_open = p_park_open)
                      AND (SELECT COUNT(*) FROM tmp_snapshot_old) = v_rides
                      AND (SELECT COUNT(*)
                             FROM tmp_snapshot_rides AS n
                             JOIN ride_snapshots AS rs
                               ON rs.ride_id = n.ride_id
                              AND rs.recorded_at = p_recorded_at
                              AND rs.park_id = p_park_id
                              AND rs.status = n.status
                              AND rs.wait_minutes <=> n.wait_minutes) = v_rides;

    -- 2. The park row (derived columns empty for a snapshot without rides;
    --    otherwise step 5 writes them) and the ride rows.
    INSERT INTO park_snapshots (
        park_id, recorded_at, park_open, rides_total, rides_operating, rides_down,
        rides_closed, rides_refurbishment, weight_total, weight_down, shame_score,
        avg_wait_minutes, peak_wait_minutes, rides_reporting
    )
    VALUES (
        p_park_id, p_recorded_at, p_park_open, 0, 0, 0,
        0, 0, 0, 0, NULL,
        NULL, NULL, 0
    )
    ON DUPLICATE KEY UPDATE
        park_open = VALUES(park_open),
        rides_total = IF(v_rides = 0, VALUES(rides_total), rides_total),
        rides_operating = IF(v_rides = 0, VALUES(rides_operating), rides_operating),
        rides_down = IF(v_rides = 0, VALUES(rides_down), rides_down),
        rides_closed = IF(v_rides = 0, VALUES(rides_closed), rides_closed),
        rides_refurbishment = IF(v_rides = 0, VALUES(rides_refurbishment), rides_refurbishment),
        weight_total = IF(v_rides = 0, VALUES(weight_total), weight_total),
        weight_down = IF(v_rides = 0, VALUES(weight_down), weight_down),
        shame_score = IF(v_rides = 0, VALUES(shame_score), shame_score),
        avg_wait_minutes = IF(v_rides = 0, VALUES(avg_wait_minutes), avg_wait_minutes),
        peak_wait_minutes = IF(v_rides = 0, VALUES(peak_wait_minutes), peak_wait_minutes),
        rides_reporting = IF(v_rides = 0, VALUES(rides_reporting), rides_reporting);

    INSERT INTO ride_snapshots (recorded_at, ride_id, park_id, status, wait_minutes)
    SELECT p_recorded_at,
           n.ride_id,
           p_park_id,
           n.status,
           n.wait_minutes
      FROM tmp_snapshot_rides AS n
    ON DUPLICATE KEY UPDATE
        park_id = VALUES(park_id),
        status = VALUES(status),
        wait_minutes = VALUES(wait_minutes);

    DELETE rs
      FROM ride_snapshots AS rs
      JOIN tmp_snapshot_old AS o
        ON rs.recorded_at = p_recorded_at
       AND rs.ride_id = o.ride_id
     WHERE NOT EXISTS (SELECT 1
                         FROM tmp_snapshot_rides AS n
                        WHERE n.ride_id = o.ride_id);

    -- 3. Operating facts: additions extend them, a withdrawal rebuilds the day.
    INSERT INTO ride_operating_days (ride_id, local_date, first_operated_at, last_operated_at)
    SELECT c.ride_id,
           v_day,
           p_recorded_at,
           p_recorded_at
      FROM tmp_operating_changes AS c
     WHERE c.added = 1
    ON DUPLICATE KEY UPDATE
        first_operated_at = LEAST(first_operated_at, VALUES(first_operated_at)),
        last_operated_at = GREATEST(last_operated_at, VALUES(last_operated_at));
    UPDATE rides AS r
      JOIN tmp_operating_changes AS c
        ON c.ride_id = r.ride_id
       SET r.last_operated_at = GREATEST(COALESCE(r.last_operated_at, p_recorded_at), p_recorded_at)
     WHERE c.added = 1;
    IF EXISTS (SELECT 1 FROM tmp_operating_changes WHERE added = 0) THEN
        CALL ride_operating_days_refresh(p_park_id, v_day, v_day);
    END IF;
    UPDATE tmp_operating_changes AS c
      LEFT JOIN ride_operating_days AS d
        ON d.ride_id = c.ride_id
       AND d.local_date = v_day
       SET c.new_first = d.first_operated_at,
           c.new_last = d.last_operated_at;

    -- 4. Windows of other snapshots whose classification or weight can change:
    --    the down rule reads first_operated_at of the day; the 7-day weight
    --    holds for recorded_at in [first, last + 7 days] of some day.
    DELETE FROM tmp_derive_windows;
    INSERT IGNORE INTO tmp_derive_windows (lo, hi)
    SELECT COALESCE(c.old_first, c.new_first),
           COALESCE(c.old_last, c.new_last) + INTERVAL 7 DAY
      FROM tmp_operating_changes AS c
     WHERE (c.old_first IS NULL) <> (c.new_first IS NULL);
    INSERT IGNORE INTO tmp_derive_windows (lo, hi)
    SELECT LEAST(c.old_first, c.new_first),
           GREATEST(c.old_first, c.new_first)
      FROM tmp_operating_changes AS c
     WHERE c.old_first <> c.new_first;
    INSERT IGNORE INTO tmp_derive_windows (lo, hi)
    SELECT LEAST(c.old_last, c.new_last) + INTERVAL 7 DAY,
           GREATEST(c.old_last, c.new_last) + INTERVAL 7 DAY
      FROM tmp_operating_changes AS c
     WHERE c.old_last <> c.new_last;
    DELETE FROM tmp_derive_windows
     WHERE NOT EXISTS (SELECT 1
                         FROM park_snapshots AS s
                        WHERE s.park_id = p_park_id
                          AND s.recorded_at BETWEEN tmp_derive_windows.lo AND tmp_derive_windows.hi
                          AND s.recorded_at <> p_recorded_at);

    -- 5. Derive the snapshot, then the windows; the rides' newest rows among a
    --    window's snapshots are read again once it is derived (step 7).
    CALL park_snapshots_derive(p_park_id, p_recorded_at, p_recorded_at);
    SET v_lo = (SELECT MIN(lo) FROM tmp_derive_windows);
    WHILE v_lo IS NOT NULL DO
        SET v_hi = (SELECT MAX(hi) FROM tmp_derive_windows WHERE lo = v_lo);
        CALL park_snapshots_derive(p_park_id, v_lo, v_hi);
        IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
            CALL ride_latest_reoffer(p_park_id, v_lo, v_hi);
        END IF;
        SET v_lo = (SELECT MIN(lo) FROM tmp_derive_windows WHERE lo > v_lo);
    END WHILE;

    -- 6. The ride sums of the day (running_daily_ride_stats), once the classes are
    --    derived. A new snapshot that re-derived no other one (the usual collection)
    --    adds its ride rows. Otherwise the park's day is recomputed: the old ride
    --    rows of a snapshot recorded again were counted (whatever changed: a status,
    --    only a wait, park_open), and a window re-derived means another
    --    snapshot's rows may have changed class (the down rule reads the operating
    --    facts of the same local day, the only day whose facts changed; the
    --    windows' later days change only weights, which no ride measure reads).
    --    A snapshot recorded again exactly as stored changes nothing.
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 AND v_unchanged = 0 THEN
        IF NOT EXISTS (SELECT 1 FROM tmp_snapshot_old)
           AND NOT EXISTS (SELECT 1 FROM tmp_derive_windows) THEN
            CALL running_daily_ride_add(p_park_id, p_recorded_at);
        ELSE
            CALL running_daily_ride_refresh(p_park_id, v_day, v_day);
        END IF;
    END IF;

    -- 7. The rides' newest rows (ride_latest_snapshots), kept here once per
    --    snapshot instead of by the ride_snapshots triggers once per ride row: the
    --    rides of this snapshot (those of the windows re-derived: step 5), and the
    --    rides that a snapshot recorded again no longer lists when it held their
    --    newest row (the row before becomes it).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL ride_latest_offer(p_park_id, p_recorded_at, NULL);
        SET v_ride = 0;
        WHILE v_ride IS NOT NULL DO
            SET v_ride = (SELECT MIN(o.ride_id)
                            FROM tmp_snapshot_old AS o
                            JOIN ride_latest_snapshots AS l
                              ON l.ride_id = o.ride_id
                             AND l.recorded_at = p_recorded_at
                           WHERE o.ride_id > v_ride
                             AND NOT EXISTS (SELECT 1
                                               FROM tmp_snapshot_rides AS n
                                              WHERE n.ride_id = o.ride_id));
            IF v_ride IS NOT NULL THEN
                CALL ride_latest_refresh(v_ride);
            END IF;
        END WHILE;
    END IF;
    SET @parkstats_deriving = NULL;
END
