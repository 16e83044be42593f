CREATE PROCEDURE verify_shadows_drop()
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, for verify_aggregates: drops the temporary tables that shadow the
aggregate tables while it recomputes (hourly, daily,
weekly, yearly and running park tables, running ride table, hourly, daily, weekly, monthly and
yearly ride tables: what the recomputation writes), so that the session reads the base
tables again. DROP TEMPORARY TABLE never touches a base table; a shadow that
does not exist is skipped. verify_aggregates calls it before it starts, at
its end and when it fails.

Parameters
----------
None.

Example
-------
CALL verify_shadows_drop();
'
BEGIN
    DROP TEMPORARY TABLE IF EXISTS
        hourly_park_stats,
        daily_park_stats,
        weekly_park_stats,
        yearly_park_stats,
        running_daily_park_stats,
        running_daily_ride_stats,
        hourly_ride_stats,
        hourly_ride_totals,
        daily_ride_stats,
        weekly_ride_stats,
        monthly_ride_stats,
        yearly_ride_stats,
        verify_shadow;
END
