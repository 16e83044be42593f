CREATE TRIGGER rides_after_insert
    AFTER INSERT ON rides
    FOR EACH ROW
BEGIN
    -- A ride inserted again with the id of a deleted one takes back its rows
    -- (orphaned_rides: the rows the rankings leave out).
    DELETE FROM orphaned_rides
     WHERE ride_id = NEW.ride_id;
END
