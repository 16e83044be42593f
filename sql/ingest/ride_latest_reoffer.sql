CREATE PROCEDURE ride_latest_reoffer(
    IN p_park_id INT UNSIGNED,
    IN p_from    DATETIME,
    IN p_to      DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called after park_snapshots_derive re-derived the snapshots of park
p_park_id in [p_from, p_to] (both included) whose ride rows were already
stored: record_park_snapshot_write (the windows a late or corrected snapshot
re-derived) and snapshot_recompute_pending (a queued park day). The rows of
ride_latest_snapshots that are newest rows of those snapshots are read again
(their class may have changed): ride_latest_offer for each such snapshot. A
range of the table''s time index; usually no row (the newest snapshots are
rarely re-derived). Does not commit.

Parameters
----------
p_park_id (INT UNSIGNED): the park.
p_from (DATETIME): UTC, first snapshot time re-derived.
p_to (DATETIME): UTC, last snapshot time re-derived (included).

Example
-------
CALL ride_latest_reoffer(7, ''2026-11-24 15:00:00'', ''2026-11-25 08:00:00'');
'
BEGIN
    DECLARE v_done TINYINT DEFAULT 0;
    DECLARE v_recorded_at DATETIME;
    DECLARE c_snapshots CURSOR FOR
        SELECT DISTINCT l.recorded_at
          FROM ride_latest_snapshots AS l
         WHERE l.recorded_at BETWEEN p_from AND p_to
           AND l.park_id = p_park_id;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;

    OPEN c_snapshots;
    snapshots: LOOP
        FETCH c_snapshots INTO v_recorded_at;
        IF v_done = 1 THEN
            LEAVE snapshots;
        END IF;
        CALL ride_latest_offer(p_park_id, v_recorded_at, NULL);
    END LOOP;
    CLOSE c_snapshots;
END
