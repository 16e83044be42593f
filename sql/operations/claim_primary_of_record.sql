CREATE PROCEDURE claim_primary_of_record()
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Records this server as the primary of record (primary_of_record), so its
operational jobs run and any other writable server''s skip: what
`parkstats promote` does on the replica it promotes, after making it
writable. On a read-only server it signals an error and changes nothing.
The row replicates to the replicas that follow this server. Returns a
one-row summary.

Parameters
----------
None.

Example
-------
CALL claim_primary_of_record();
-- summary: ''server_id 2 is now the primary of record (was server_id 1)''
'
BEGIN
    DECLARE v_previous INT UNSIGNED DEFAULT NULL;
    IF @@GLOBAL.read_only = 1 OR @@innodb_read_only = 1 THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'claim_primary_of_record(): this server is read-only (@@read_only = 1); make it writable first (parkstats promote does)';
    END IF;
    SELECT server_id
      INTO v_previous
      FROM primary_of_record
     WHERE record_id = 1;
    CALL primary_of_record_write(LEFT(CONCAT('claim_primary_of_record() by ', CURRENT_USER()), 255), 0);
    SELECT CONCAT('server_id ', @@server_id, ' is now the primary of record (was ',
                  COALESCE(CONCAT('server_id ', v_previous), 'none'), ')') AS summary,
           server_id,
           server_started_at,
           replicas_seen,
           recorded_at,
           recorded_by
      FROM primary_of_record
     WHERE record_id = 1;
END
