CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW park_snapshot_measures AS
SELECT s.park_id AS park_id,
       s.recorded_at AS recorded_at,
       -- What one snapshot adds to each measure of docs/contract.md section 4 (NULL: nothing,
       -- which keeps DECIMAL sums cheap). Every reader of raw snapshots
       -- (aggregate_hours_range, the API's not-yet-aggregated tail) takes
       -- COALESCE(SUM(col), 0) of the sums and MAX(col) of the maxima: the
       -- definitions live only here. MERGE keeps a WHERE on recorded_at a range
       -- scan of park_snapshots. (sample_count is COUNT(*).)
       s.park_open = 1 AS open_sample_count,
       CASE WHEN s.park_open = 1 THEN s.shame_score END AS shame_sum,
       CASE WHEN s.park_open = 1 AND s.shame_score IS NOT NULL THEN 1 END AS shame_count,
       CASE WHEN s.park_open = 1 THEN s.avg_wait_minutes * s.rides_reporting END AS wait_sum,
       CASE WHEN s.park_open = 1 THEN s.rides_reporting END AS wait_count,
       CASE WHEN s.park_open = 1 THEN s.peak_wait_minutes END AS peak_wait_minutes,
       CASE WHEN s.park_open = 1 THEN s.rides_down END AS down_samples,
       CASE WHEN s.park_open = 1 THEN s.weight_down END AS weighted_down_samples,
       CASE WHEN s.park_open = 1 THEN s.rides_operating END AS operating_samples,
       CASE WHEN s.park_open = 1 THEN s.rides_down END AS max_rides_down
  FROM park_snapshots AS s
