-- access_points: the SPRO networks' offices, one table whatever the directory they come from
-- (empty when no directory is loaded: the portraits then say the directories were not provided).
-- Filled by its parts (tables.toml): access_points.cio.sql, access_points.service_public.sql.
CREATE TABLE access_points (id VARCHAR, network VARCHAR, name VARCHAR, address VARCHAR,
                            postcode VARCHAR, town VARCHAR, commune_code VARCHAR, lat DOUBLE, lon DOUBLE,
                            phone VARCHAR, email VARCHAR, website VARCHAR, url_service_public VARCHAR,
                            dataset VARCHAR)
