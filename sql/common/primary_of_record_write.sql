CREATE PROCEDURE primary_of_record_write(
    IN p_recorded_by VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_only_if_changed TINYINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: records this server as the primary of record (the one row of
primary_of_record): its @@server_id, its start (UTC_TIMESTAMP() minus
status Uptime), replicas_seen (1 when a replica replicates from it now,
status Slaves_connected > 0, or when the row already said so for this
server), recorded_at and p_recorded_by. With p_only_if_changed = 1 it
writes nothing when the row already says all that (same server, start
within 2 s, replicas_seen unchanged), so a job does not write it every
cycle. Callers decide whether this server may be recorded:
aggregation_job_begin when primary_of_record_state() = ''primary'',
claim_primary_of_record on an operator''s word.

Parameters
----------
p_recorded_by (VARCHAR(255)): what records it, kept in recorded_by.
p_only_if_changed (TINYINT): 1: only when something changed; 0: always.

Example
-------
CALL primary_of_record_write(''run_aggregation (first job)'', 1);
'
BEGIN
    DECLARE v_started_at DATETIME;
    DECLARE v_replicas TINYINT UNSIGNED;
    SET v_started_at = TIMESTAMPADD(SECOND, -CAST(server_status_value('Uptime') AS SIGNED),
                                    UTC_TIMESTAMP());
    SET v_replicas = IF(COALESCE(CAST(server_status_value('Slaves_connected') AS SIGNED), 0) > 0,
                        1, 0);
    IF p_only_if_changed = 0
       OR NOT EXISTS (SELECT 1
                        FROM primary_of_record
                       WHERE record_id = 1
                         AND server_id = @@server_id
                         AND ABS(TIMESTAMPDIFF(SECOND, server_started_at, v_started_at)) <= 2
                         AND replicas_seen >= v_replicas) THEN
        INSERT INTO primary_of_record
            (record_id, server_id, server_started_at, replicas_seen, recorded_at, recorded_by)
        VALUES
            (1, @@server_id, v_started_at, v_replicas, UTC_TIMESTAMP(), LEFT(p_recorded_by, 255))
        ON DUPLICATE KEY UPDATE
            replicas_seen = IF(server_id = VALUES(server_id),
                               GREATEST(replicas_seen, VALUES(replicas_seen)),
                               VALUES(replicas_seen)),
            server_id = VALUES(server_id),
            server_started_at = VALUES(server_started_at),
            recorded_at = VALUES(recorded_at),
            recorded_by = VALUES(recorded_by);
    END IF;
END
