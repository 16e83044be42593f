DROP TABLE IF EXISTS primary_of_record;
