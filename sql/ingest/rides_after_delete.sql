CREATE TRIGGER rides_after_delete
    AFTER DELETE ON rides
    FOR EACH ROW
BEGIN
    -- No live row any more; its rows stay, left out by the rankings.
    CALL ride_orphan(OLD.ride_id);
END
