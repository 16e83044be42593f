CREATE FUNCTION daily_partition_list(p_from DATE, p_to DATE)
    RETURNS MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin
    DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The partition definitions "PARTITION pYYYYMMDD VALUES LESS THAN (''next day'')"
for every UTC day from p_from to p_to, comma-separated, for the DDL built
by maintain_snapshot_partitions(). Uses calendar_days only as a day series.

Parameters
----------
p_from (DATE): first day.
p_to (DATE): last day (inclusive).

Example
-------
SELECT daily_partition_list(''2026-11-24'', ''2026-11-26'');
'
BEGIN
    DECLARE v_list MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin;
    SET SESSION group_concat_max_len = 4194304;
    SELECT GROUP_CONCAT(
               CONCAT('PARTITION p', DATE_FORMAT(local_date, '%Y%m%d'),
                      ' VALUES LESS THAN (''', local_date + INTERVAL 1 DAY, ''')')
               ORDER BY local_date
               SEPARATOR ', ')
      INTO v_list
      FROM calendar_days
     WHERE local_date BETWEEN p_from AND p_to;
    RETURN v_list;
END
