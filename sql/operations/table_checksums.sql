CREATE PROCEDURE table_checksums(IN p_table VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
    SQL SECURITY INVOKER
    READS SQL DATA
    COMMENT '
Description
-----------
A checksum of every base table of the schema (or of p_table) over its stored
columns only, to compare a replica with its primary (parkstats checksum).
CHECKSUM TABLE cannot: it also hashes the virtual generated columns
(avg_shame_score, avg_wait_minutes of the aggregate tables) and differs
between servers whose rows are all equal.

What is hashed: for each row, MD5 of its stored columns (table_column_list:
generated columns, which are computed from the others, are left out) in
column order, each as HEX of its text form (CONCAT(column): numbers as
written, DATETIME as ''YYYY-MM-DD hh:mm:ss'', strings as their bytes in the
column''s character set), NULL as N, joined with |; the first 16 hex digits of
that MD5 read as a 64-bit number. checksum = the SUM of those numbers over
the rows: independent of row order, and a duplicated row counts twice.

Limits: two tables with the same checksum hold the same rows except with a
probability of about n^2 / 2^64 (n rows); a TIMESTAMP column is hashed as
shown in the session time zone (parkstats checksum sets UTC on both servers);
FLOAT/DOUBLE as their text form. Each table is read in full: about a second
per million rows (ride_snapshots holds ~550,000 rows a day of raw data kept),
so name one table to check it alone.

Consistent and read-only: one SELECT (a UNION ALL over the tables), so one
InnoDB consistent read of every table; no temporary table, nothing written,
nothing in the binary log: safe on a read-only replica and for a user with
database-level privileges (SELECT).

Returns one row per table, by name: table_name, row_count, checksum
(DECIMAL), hashed_columns (how many stored columns were hashed),
ignored_columns (the generated columns left out, or NULL). An unknown
p_table raises an error naming it.

Parameters
----------
p_table (VARCHAR(64)): one table, or NULL for every base table of the schema.

Example
-------
CALL table_checksums(''daily_park_stats'');
-- daily_park_stats | 2,436 | 11179447219390474245633 | 16 | avg_shame_score, avg_wait_minutes
'
BEGIN
    DECLARE v_done TINYINT DEFAULT 0;
    DECLARE v_table VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_sql LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_message VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE c_tables CURSOR FOR
        SELECT t.TABLE_NAME
          FROM information_schema.TABLES AS t
         WHERE t.TABLE_SCHEMA = DATABASE()
           AND t.TABLE_TYPE = 'BASE TABLE'
           AND (p_table IS NULL OR t.TABLE_NAME = p_table)
         ORDER BY t.TABLE_NAME;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;

    OPEN c_tables;
    tables_loop: LOOP
        FETCH c_tables INTO v_table;
        IF v_done THEN
            LEAVE tables_loop;
        END IF;
        SET v_sql = CONCAT_WS(' UNION ALL ', v_sql,
            CONCAT('SELECT ', QUOTE(v_table), ' AS table_name, ',
                   'COUNT(*) AS row_count, ',
                   'COALESCE(SUM(CAST(CONV(LEFT(MD5(CONCAT_WS(''|'', ',
                   table_column_list(v_table, 0, 'IFNULL(HEX(CONCAT({column})), ''N'')'),
                   ')), 16), 16, 10) AS UNSIGNED)), 0) AS checksum, ',
                   -- 'x, x, ...': one x per stored column
                   CHAR_LENGTH(REPLACE(table_column_list(v_table, 0, 'x'), ', ', '')),
                   ' AS hashed_columns, ',
                   QUOTE(table_column_list(v_table, 1, '{name}')), ' AS ignored_columns ',
                   'FROM `', REPLACE(v_table, '`', '``'), '`'));
    END LOOP;
    CLOSE c_tables;

    IF v_sql IS NULL THEN
        SET v_message = LEFT(CONCAT('table_checksums: no base table ', QUOTE(p_table), ' in schema ',
                                    COALESCE(DATABASE(), '(none)')), 255);
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = v_message;
    END IF;
    SET @table_checksums_sql = CONCAT(v_sql, ' ORDER BY table_name');
    PREPARE table_checksums_stmt FROM @table_checksums_sql;
    EXECUTE table_checksums_stmt;
    DEALLOCATE PREPARE table_checksums_stmt;
    SET @table_checksums_sql = NULL;
END
