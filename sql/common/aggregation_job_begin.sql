CREATE PROCEDURE aggregation_job_begin(
    IN p_job_type VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_period_start DATETIME,
    IN p_period_end DATETIME,
    IN p_lock_wait_seconds INT,
    IN p_busy_message VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_now DATETIME,
    IN p_real_start DATETIME(6),
    OUT p_job_id BIGINT UNSIGNED,
    OUT p_state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin,
    OUT p_abandoned INT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: the prologue of the operational jobs (run_aggregation,
backfill_aggregates, apply_retention), written once:
1. on a read-only server (a replica: @@read_only or @@innodb_read_only) it
   does nothing: p_state = ''read_only'';
2. on a writable server that is not the primary of record
   (primary_of_record_state(): e.g. an old primary back after a failover)
   it logs a ''skipped'' row of p_job_type whose error_message says why:
   p_state = ''not_primary'';
3. it takes the aggregation lock (aggregation_lock_name(), waiting up to
   p_lock_wait_seconds); when the lock stays busy it logs a ''skipped'' row
   of p_job_type with p_busy_message: p_state = ''skipped'';
4. holding the lock, it marks every job row still ''running'' as ''failed''
   (abandoned_at set, error_message "Abandoned: ..."): every job that writes
   a running row holds the lock until it ends, so such a row was cut short by
   a server crash or a killed session (aggregation_status counts them);
5. it records this server as the primary of record when the row is missing
   or out of date (first job, a restart confirmed, a replica seen:
   primary_of_record_write), and logs the job''s own ''running'' row:
   p_state = ''running'', p_job_id.
The job ends with aggregation_job_end (which releases the lock).

Parameters
----------
p_job_type (VARCHAR): aggregation_job_log.job_type (cycle, backfill, retention).
p_period_start, p_period_end (DATETIME): the job''s period, or NULL.
p_lock_wait_seconds (INT): how long to wait for the lock (0: not at all).
p_busy_message (VARCHAR): error_message of the skipped row when the lock is busy.
p_now (DATETIME), p_real_start (DATETIME(6)): the caller''s clock readings.
p_job_id (OUT BIGINT UNSIGNED): the running row, or NULL.
p_state (OUT VARCHAR): running, read_only, not_primary or skipped.
p_abandoned (OUT INT): job rows marked abandoned now.

Example
-------
CALL aggregation_job_begin(''cycle'', NULL, NULL, 0, ''Another cycle holds the lock'',
    UTC_TIMESTAMP(), UTC_TIMESTAMP(6), @job_id, @state, @abandoned);
-- @state = ''running'': then CALL aggregation_job_end(@job_id, ''success'', 0, NULL, NULL, NULL,
--     UTC_TIMESTAMP(), UTC_TIMESTAMP(6));
'
BEGIN
    DECLARE v_primary VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_skipped_because VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    SET p_job_id = NULL;
    SET p_abandoned = 0;
    SET v_primary = primary_of_record_state();
    IF v_primary = 'read-only' THEN
        SET p_state = 'read_only';
    ELSEIF v_primary <> 'primary' THEN
        SET p_state = 'not_primary';
        SET v_skipped_because = LEFT(CONCAT('Not run on this server: ', v_primary, '; this ',
                                            p_job_type, ' job did nothing'), 1024);
    ELSEIF COALESCE(GET_LOCK(aggregation_lock_name(), p_lock_wait_seconds), 0) = 0 THEN
        SET p_state = 'skipped';
        SET v_skipped_because = p_busy_message;
    ELSE
        UPDATE aggregation_job_log
           SET status = 'failed',
               abandoned_at = aggregation_clock(p_now, p_real_start),
               error_message = LEFT(CONCAT('Abandoned: cut short (server crash or killed session) ',
                                           'and never finished; found by a ', p_job_type,
                                           ' job started ',
                                           DATE_FORMAT(p_now, '%Y-%m-%d %H:%i:%s'), ' UTC'), 1024)
         WHERE job_type IN ('cycle', 'backfill', 'retention')
           AND status = 'running';
        SET p_abandoned = ROW_COUNT();
        CALL primary_of_record_write(CONCAT('aggregation_job_begin (', p_job_type, ' job)'), 1);
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at)
        VALUES
            (p_job_type, p_period_start, p_period_end, 'running',
             aggregation_clock(p_now, p_real_start));
        SET p_job_id = LAST_INSERT_ID();
        SET p_state = 'running';
    END IF;
    IF p_state IN ('not_primary', 'skipped') THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            (p_job_type, p_period_start, p_period_end, 'skipped',
             aggregation_clock(p_now, p_real_start), aggregation_clock(p_now, p_real_start), 0,
             v_skipped_because);
    END IF;
END
