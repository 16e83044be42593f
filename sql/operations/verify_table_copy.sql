CREATE PROCEDURE verify_table_copy(
    IN p_table VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_copy VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_column VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_from VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_to VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, for verify_aggregates and verify_ride_levels: creates the
TEMPORARY table p_copy (InnoDB) with the stored columns of the base table
p_table (table_column_list; generated columns left out), its primary key and
unique keys, and fills it with the rows of p_table whose p_column is in
[p_from, p_to) (none when a bound is NULL). A temporary table of that name
is dropped first. With p_copy = p_table the copy shadows the base table for
the rest of the session: every statement naming p_table then reads and writes
the copy (this is how verify_aggregates recomputes without writing a base table);
DROP TEMPORARY TABLE p_table ends it (verify_shadows_drop).

The copy is created with explicit column definitions, never CREATE ... LIKE
or CREATE ... SELECT: with binlog_format MIXED, MariaDB writes those two
forms to the binary log even on a read-only replica (an errant transaction,
which stops replication under gtid_strict_mode) and then refuses writes to
the copy there (1290). A copy created under another name and renamed (ALTER
TABLE, which commits the open transaction) is how the shadow gets the base
table''s name while the rows are still read from the base table.

Parameters
----------
p_table (VARCHAR(64)): a base table of the current schema.
p_copy (VARCHAR(64)): the temporary table to create (p_table: a shadow).
p_column (VARCHAR(64)): the column the range applies to.
p_from, p_to (VARCHAR(32)): the range [p_from, p_to) of p_column, as text
    (a date, a UTC datetime or a number).

Example
-------
CALL verify_table_copy(''daily_park_stats'', ''verify_daily_stored'', ''stat_date'', ''2026-11-01'', ''2026-11-24'');
-- the temporary table verify_daily_stored holds the 23 days'' rows
'
BEGIN
    DECLARE v_definitions TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
        DEFAULT table_column_list(p_table, 0, '{column} {definition}');
    DECLARE v_columns TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
        DEFAULT table_column_list(p_table, 0, '{column}');
    DECLARE v_keys TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_created VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
        DEFAULT IF(p_copy = p_table, 'verify_shadow', p_copy);

    IF v_definitions IS NULL THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'verify_table_copy: p_table is not a base table of this schema';
    END IF;
    -- The primary key and unique keys (the recomputation's ON DUPLICATE KEY UPDATE).
    SET SESSION group_concat_max_len = GREATEST(@@SESSION.group_concat_max_len, 1048576);
    SELECT GROUP_CONCAT(k.key_definition ORDER BY k.INDEX_NAME = 'PRIMARY' DESC, k.INDEX_NAME
                        SEPARATOR ', ')
      INTO v_keys
      FROM (SELECT s.INDEX_NAME,
                   CONCAT(IF(s.INDEX_NAME = 'PRIMARY', 'PRIMARY KEY',
                             CONCAT('UNIQUE KEY `', s.INDEX_NAME, '`')),
                          ' (',
                          GROUP_CONCAT(CONCAT('`', REPLACE(s.COLUMN_NAME, '`', '``'), '`')
                                       ORDER BY s.SEQ_IN_INDEX SEPARATOR ', '),
                          ')') AS key_definition
              FROM information_schema.STATISTICS AS s
             WHERE s.TABLE_SCHEMA = DATABASE()
               AND s.TABLE_NAME = p_table
               AND s.NON_UNIQUE = 0
             GROUP BY s.INDEX_NAME) AS k;

    SET @verify_table_copy_sql = CONCAT('DROP TEMPORARY TABLE IF EXISTS `', p_copy, '`');
    PREPARE verify_table_copy_stmt FROM @verify_table_copy_sql;
    EXECUTE verify_table_copy_stmt;
    SET @verify_table_copy_sql = CONCAT('DROP TEMPORARY TABLE IF EXISTS `', v_created, '`');
    PREPARE verify_table_copy_stmt FROM @verify_table_copy_sql;
    EXECUTE verify_table_copy_stmt;
    SET @verify_table_copy_sql = CONCAT('CREATE TEMPORARY TABLE `', v_created, '` (',
                                        v_definitions, IF(v_keys IS NULL, '', CONCAT(', ', v_keys)),
                                        ') ENGINE = InnoDB');
    PREPARE verify_table_copy_stmt FROM @verify_table_copy_sql;
    EXECUTE verify_table_copy_stmt;
    SET @verify_table_copy_sql = CONCAT('INSERT INTO `', v_created, '` (', v_columns, ') ',
                                        'SELECT ', v_columns,
                                        ' FROM `', p_table, '`',
                                        ' WHERE `', p_column, '` >= ', QUOTE(p_from),
                                        ' AND `', p_column, '` < ', QUOTE(p_to));
    PREPARE verify_table_copy_stmt FROM @verify_table_copy_sql;
    EXECUTE verify_table_copy_stmt;
    IF v_created <> p_copy THEN
        SET @verify_table_copy_sql = CONCAT('ALTER TABLE `', v_created, '` RENAME TO `', p_copy, '`');
        PREPARE verify_table_copy_stmt FROM @verify_table_copy_sql;
        EXECUTE verify_table_copy_stmt;
    END IF;
    DEALLOCATE PREPARE verify_table_copy_stmt;
    SET @verify_table_copy_sql = NULL;
END
