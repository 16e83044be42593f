CREATE EVENT ev_apply_retention
    ON SCHEDULE EVERY 1 DAY STARTS '2026-01-01 10:30:00'
    ON COMPLETION PRESERVE
    ENABLE
    COMMENT 'Daily at 10:30 UTC (2:30 or 3:30 AM Los Angeles): CALL apply_retention()'
    DO CALL apply_retention()
