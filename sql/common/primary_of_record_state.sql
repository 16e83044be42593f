CREATE FUNCTION primary_of_record_state()
    RETURNS VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY DEFINER
    COMMENT '
Description
-----------
Whether this server may run the operational jobs (run_aggregation,
backfill_aggregates, apply_retention), from the one-row table
primary_of_record (which replicates) and this server''s own state:
* ''primary'': it is the primary of record and may aggregate; also on a
  writable server with no row yet (its first job records it);
* ''read-only'': @@read_only or @@innodb_read_only (a replica);
* ''not the primary of record (server_id N is)'': the row names another
  server (e.g. a replica made writable by hand instead of by
  `parkstats promote`);
* ''restarted since it was recorded as primary and no replica replicates
  from it: run parkstats promote if it is the primary'': the recorded
  server started again since it was last confirmed (its start, UTC_TIMESTAMP()
  minus status Uptime, moved by more than 2 s), replicas were seen
  replicating from it before, and none does now (status Slaves_connected
  = 0). An old primary restarted after a failover (its replicas follow the
  new primary) stays so; a planned restart of the primary resumes as soon
  as a replica reconnects (the next job confirms the new start). A primary
  that never had a replica resumes after a restart.
MySQL 8 has no Slaves_connected: replicas_seen stays 0 there, so the
restart check does not apply and fencing an old primary needs the operator
(`parkstats prepare-rebuild`, or read_only = ON in its configuration).
A primary cut off without a restart (network partition) is not detected
here either: fence it with `parkstats prepare-rebuild`.

Parameters
----------
None.

Example
-------
SELECT primary_of_record_state();
-- ''primary'' on the primary, ''read-only'' on a replica

Granted to
----------
api: EXECUTE (health reports which server is the primary and why not).
collector: EXECUTE (it writes only to the server that answers ''primary'').
'
BEGIN
    DECLARE v_server_id INT UNSIGNED DEFAULT NULL;
    DECLARE v_started_at DATETIME DEFAULT NULL;
    DECLARE v_replicas_seen TINYINT UNSIGNED DEFAULT 0;
    IF @@GLOBAL.read_only = 1 OR @@innodb_read_only = 1 THEN
        RETURN 'read-only';
    END IF;
    SELECT server_id, server_started_at, replicas_seen
      INTO v_server_id, v_started_at, v_replicas_seen
      FROM primary_of_record
     WHERE record_id = 1;
    IF v_server_id IS NULL THEN
        RETURN 'primary';
    END IF;
    IF v_server_id <> @@server_id THEN
        RETURN CONCAT('not the primary of record (server_id ', v_server_id, ' is)');
    END IF;
    IF ABS(TIMESTAMPDIFF(SECOND, v_started_at,
                         TIMESTAMPADD(SECOND, -CAST(server_status_value('Uptime') AS SIGNED),
                                      UTC_TIMESTAMP()))) <= 2
       OR v_replicas_seen = 0
       OR COALESCE(CAST(server_status_value('Slaves_connected') AS SIGNED), 0) > 0 THEN
        RETURN 'primary';
    END IF;
    RETURN 'restarted since it was recorded as primary and no replica replicates from it: run parkstats promote if it is the primary';
END
