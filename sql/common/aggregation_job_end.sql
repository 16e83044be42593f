CREATE PROCEDURE aggregation_job_end(
    IN p_job_id BIGINT UNSIGNED,
    IN p_status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_rows BIGINT,
    IN p_errno INT,
    IN p_sqlstate CHAR(5) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_now DATETIME,
    IN p_real_start DATETIME(6))
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: the epilogue of the operational jobs, written once: writes the
outcome into the job''s running row of aggregation_job_log (status,
finished_at, rows_affected, and errno, SQLSTATE and message: those an exit
handler read with GET DIAGNOSTICS, or a summary worth keeping), then
releases the aggregation lock taken by aggregation_job_begin. With p_job_id
NULL (the job failed before it was logged) it only releases the lock.

Parameters
----------
p_job_id (BIGINT UNSIGNED): aggregation_job_log.job_id, or NULL.
p_status (VARCHAR): success or failed.
p_rows (BIGINT): rows_affected (NULL keeps what is there).
p_errno (INT), p_sqlstate (CHAR(5)): the error, or NULL.
p_message (VARCHAR(1024)): error_message (the error, or a summary), or NULL.
p_now (DATETIME), p_real_start (DATETIME(6)): the caller''s clock readings.

Example
-------
CALL aggregation_job_end(42, ''failed'', 0, 1264, ''22003'', ''Out of range value'',
    UTC_TIMESTAMP(), UTC_TIMESTAMP(6));
'
BEGIN
    UPDATE aggregation_job_log
       SET status = p_status,
           finished_at = aggregation_clock(p_now, p_real_start),
           rows_affected = COALESCE(p_rows, rows_affected),
           error_code = p_errno,
           error_sqlstate = p_sqlstate,
           error_message = LEFT(p_message, 1024)
     WHERE job_id = p_job_id;
    DO RELEASE_LOCK(aggregation_lock_name());
END
