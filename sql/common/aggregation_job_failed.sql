CREATE PROCEDURE aggregation_job_failed(
    IN p_job_id      BIGINT UNSIGNED,
    IN p_finished_at DATETIME(3),
    IN p_errno       INT,
    IN p_sqlstate    CHAR(5) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_message     VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: marks a running aggregation_job_log row failed with the error an
exit handler read by GET DIAGNOSTICS (errno, SQLSTATE, message). Does nothing
when p_job_id is NULL (the job failed before it was logged). Used by the
exit handlers of run_aggregation, backfill_aggregates and apply_retention.

Parameters
----------
p_job_id (BIGINT UNSIGNED): aggregation_job_log.job_id, or NULL.
p_finished_at (DATETIME(3)): when the job ended (UTC).
p_errno (INT): MYSQL_ERRNO.
p_sqlstate (CHAR(5)): RETURNED_SQLSTATE.
p_message (VARCHAR(1024)): MESSAGE_TEXT.

Example
-------
CALL aggregation_job_failed(42, UTC_TIMESTAMP(3), 1264, ''22003'', ''Out of range value'');
'
UPDATE aggregation_job_log
   SET status = 'failed',
       finished_at = p_finished_at,
       error_code = p_errno,
       error_sqlstate = p_sqlstate,
       error_message = LEFT(p_message, 1024)
 WHERE job_id = p_job_id
