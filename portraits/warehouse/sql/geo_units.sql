-- geo_units: each commune → its territory (unit = territory_code), and every commune of the region
-- → the region ($region_unit, "_REGION"): the indicators group by unit, so the regional benchmark
-- is computed by the same SQL as the territories.
CREATE TABLE geo_units AS
SELECT commune_code, territory_code AS unit, territory_name AS unit_name FROM territory_communes
UNION ALL
SELECT code, $region_unit, $region_name FROM communes
