CREATE FUNCTION parkstats_setting(p_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin)
    RETURNS VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The value of one row of the settings table. Signals an error for an
unknown name, so a typo never silently becomes NULL.

Parameters
----------
p_name (VARCHAR(64)): settings.setting_name, e.g. ''snapshot_interval_minutes''.

Example
-------
SELECT parkstats_setting(''raw_retention_days'');
'
BEGIN
    DECLARE v_value VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_message VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    SELECT setting_value
      INTO v_value
      FROM settings
     WHERE setting_name = p_name;
    IF v_value IS NULL THEN
        SET v_message = CONCAT('Unknown parkstats setting: ', COALESCE(p_name, 'NULL'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_message;
    END IF;
    RETURN v_value;
END
