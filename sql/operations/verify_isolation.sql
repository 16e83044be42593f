CREATE PROCEDURE verify_isolation(
    IN p_level VARCHAR(32) CHARACTER SET ascii COLLATE ascii_general_ci,
    OUT p_previous VARCHAR(32) CHARACTER SET ascii COLLATE ascii_general_ci)
    SQL SECURITY INVOKER
    NO SQL
    COMMENT '
Description
-----------
Internal, for verify_aggregates: sets the session''s transaction isolation
level to p_level (SET SESSION TRANSACTION ISOLATION LEVEL: the session''s next
transactions) and returns the level it replaces, so that the caller can
restore it. The variable is tx_isolation on MariaDB before 11.1 and
transaction_isolation on MySQL 8: it is read through PREPARE, whichever of the
two the server has, so that the routine installs on both.

Parameters
----------
p_level (VARCHAR(32)): READ-UNCOMMITTED, READ-COMMITTED, REPEATABLE-READ or
    SERIALIZABLE (as @@tx_isolation spells it).
p_previous (VARCHAR(32), OUT): the session''s level before the call.

Example
-------
CALL verify_isolation(''READ-COMMITTED'', @previous);
-- @previous = ''REPEATABLE-READ'' (the default); CALL verify_isolation(@previous, @ignored) restores it
'
BEGIN
    IF p_level IS NULL
       OR p_level NOT IN ('READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE') THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'verify_isolation: p_level is not an isolation level';
    END IF;
    BEGIN
        -- 1193 unknown system variable: a MariaDB before 11.1.
        DECLARE CONTINUE HANDLER FOR 1193
            PREPARE verify_isolation_stmt FROM 'SET @verify_isolation = @@SESSION.tx_isolation';
        PREPARE verify_isolation_stmt FROM 'SET @verify_isolation = @@SESSION.transaction_isolation';
    END;
    EXECUTE verify_isolation_stmt;
    SET p_previous = @verify_isolation;
    SET @verify_isolation = CONCAT('SET SESSION TRANSACTION ISOLATION LEVEL ', REPLACE(UPPER(p_level), '-', ' '));
    PREPARE verify_isolation_stmt FROM @verify_isolation;
    EXECUTE verify_isolation_stmt;
    DEALLOCATE PREPARE verify_isolation_stmt;
    SET @verify_isolation = NULL;
END
