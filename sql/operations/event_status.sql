CREATE SQL SECURITY DEFINER VIEW event_status AS
-- The parkstats events and whether they are enabled, for the API account.
-- information_schema.EVENTS shows events only to users with the EVENT
-- privilege; this view runs with its definer's (the migration account's)
-- rights, so /api/health can report the events as a read-only account
-- (SELECT on the schema) without being given EVENT.
--   event_name       ev_run_aggregation, ev_apply_retention
--   status           ENABLED, DISABLED or SLAVESIDE_DISABLED
--   last_executed    UTC time the scheduler last started it (NULL: never)
-- Example: SELECT event_name, status FROM event_status;
--   -> ev_apply_retention ENABLED / ev_run_aggregation ENABLED
SELECT e.EVENT_NAME AS event_name,
       e.STATUS AS status,
       e.LAST_EXECUTED AS last_executed
  FROM information_schema.EVENTS AS e
 WHERE e.EVENT_SCHEMA = DATABASE()
