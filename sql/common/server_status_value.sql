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
variable. Reads the view server_status (migration 0013), created for the
running server over MariaDB''s information_schema.GLOBAL_STATUS or MySQL 8''s
performance_schema.global_status: a function cannot branch between the
two, since MySQL opens every table a function names before it runs. Names
are compared without regard to case (MariaDB lists them upper-case, MySQL
as written). MySQL 8 has no Slaves_connected (NULL there).

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
    SELECT s.variable_value
      INTO v_value
      FROM server_status AS s
     WHERE UPPER(s.variable_name) = UPPER(p_name);
    RETURN v_value;
END
