CREATE FUNCTION table_column_list(
    p_table VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    p_generated TINYINT,
    p_template VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
    RETURNS TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: the columns of the base table p_table of the current schema, in
their order, each rendered through p_template and joined with '', ''; the one
definition of which columns are generated (their GENERATION_EXPRESSION is not
empty: VIRTUAL or STORED GENERATED, computed from the other columns of the
row; MariaDB leaves it NULL for the others, MySQL 8 empty). p_generated = 0
lists the stored columns (what a row really holds), 1 the generated ones. In
p_template, {column} becomes the back-quoted column name, {name} the bare
name and {definition} its
type, character set and collation (character columns) and NULL / NOT NULL,
without DEFAULT (the aggregate tables copied by verify_table_copy have none).
NULL when no column matches or p_table is not a base table of the schema.
Raises group_concat_max_len of the session to at least 1 MB (MySQL 8 has 1 KB
by default).

Parameters
----------
p_table (VARCHAR(64)): a table of the current schema.
p_generated (TINYINT): 0 the stored columns, 1 the generated columns.
p_template (VARCHAR(255)): each column''s rendering, with {column}, {name}
    and/or {definition}.

Example
-------
SELECT table_column_list(''yearly_ride_stats'', 1, ''{name}'');
-- avg_wait_minutes
SELECT table_column_list(''aggregation_watermarks'', 0, ''{column} {definition}'');
-- `level` varchar(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, `done_through` datetime NULL, ...
'
BEGIN
    SET SESSION group_concat_max_len = GREATEST(@@SESSION.group_concat_max_len, 1048576);
    RETURN (SELECT GROUP_CONCAT(
                       REPLACE(REPLACE(REPLACE(p_template,
                                               '{column}',
                                               CONCAT('`', REPLACE(c.COLUMN_NAME, '`', '``'), '`')),
                                       '{name}',
                                       c.COLUMN_NAME),
                               '{definition}',
                               CONCAT(c.COLUMN_TYPE,
                                      IF(c.COLLATION_NAME IS NULL, '',
                                         CONCAT(' CHARACTER SET ', c.CHARACTER_SET_NAME,
                                                ' COLLATE ', c.COLLATION_NAME)),
                                      IF(c.IS_NULLABLE = 'YES', ' NULL', ' NOT NULL')))
                       ORDER BY c.ORDINAL_POSITION
                       SEPARATOR ', ')
              FROM information_schema.COLUMNS AS c
              JOIN information_schema.TABLES AS t
                ON t.TABLE_SCHEMA = c.TABLE_SCHEMA
               AND t.TABLE_NAME = c.TABLE_NAME
             WHERE c.TABLE_SCHEMA = DATABASE()
               AND c.TABLE_NAME = p_table
               AND t.TABLE_TYPE = 'BASE TABLE'
               AND (COALESCE(c.GENERATION_EXPRESSION, '') <> '') = (p_generated <> 0));
END
