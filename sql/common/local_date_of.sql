CREATE FUNCTION local_date_of(p_utc DATETIME)
    RETURNS DATE
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: the local date (reporting time zone) of the day that contains the
UTC instant p_utc, from calendar_days (the day whose utc_start is the latest
one not after p_utc). The one definition of "the local day containing t".
NULL when p_utc is NULL or lies outside the calendar.

Parameters
----------
p_utc (DATETIME): a UTC instant.

Example
-------
SELECT local_date_of(''2026-11-24 07:59:59''), local_date_of(''2026-11-24 08:00:00'');
-- 2026-11-23, 2026-11-24 (Los Angeles, UTC-8)
'
RETURN (SELECT c.local_date
          FROM calendar_days AS c
         WHERE c.utc_start <= p_utc
           AND c.utc_end > p_utc
         ORDER BY c.utc_start DESC
         LIMIT 1)
