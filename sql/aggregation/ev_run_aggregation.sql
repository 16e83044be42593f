CREATE EVENT ev_run_aggregation
    ON SCHEDULE EVERY 5 MINUTE
    ON COMPLETION PRESERVE
    ENABLE
    COMMENT 'Every 5 minutes: CALL run_aggregation() (new hours, dirty hours, their days and years)'
    DO CALL run_aggregation()
