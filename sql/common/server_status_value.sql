CREATE FUNCTION server_status_value(p_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin)
    RETURNS VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: the value of one global status variable of this server (what
SHOW GLOBAL STATUS LIKE p_name shows), or NULL when the server has no such
variable. The one place that knows where the status lives: MariaDB reads
information_schema.GLOBAL_STATUS; MySQL 8 (which removed that table) reads
performance_schema.global_status. Only the running server''s branch is
executed. MySQL 8 has no Slaves_connected (NULL there).

Parameters
----------
p_name (VARCHAR(64)): the status variable, any case, e.g. ''Uptime''.

Example
-------
SELECT server_status_value(''Uptime'');
-- e.g. ''86400'' (seconds since the server started)
'
BEGIN
    DECLARE v_value VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    IF VERSION() LIKE '%MariaDB%' THEN
        SELECT s.VARIABLE_VALUE
          INTO v_value
          FROM information_schema.GLOBAL_STATUS AS s
         WHERE s.VARIABLE_NAME = UPPER(p_name);
    ELSE
        SELECT s.VARIABLE_VALUE
          INTO v_value
          FROM performance_schema.global_status AS s
         WHERE s.VARIABLE_NAME = p_name;
    END IF;
    RETURN v_value;
END
