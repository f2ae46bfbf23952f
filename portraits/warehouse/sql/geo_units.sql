-- geo_units: each commune → its territory (unit = territory_code), every commune of the region
-- → the region ($region_unit, "_REGION"), and every commune → its département
-- ($departement_prefix || code, "_DEP44"): the indicators group by unit, so the regional and
-- départemental benchmarks are computed by the same SQL as the territories. The benchmark units
-- are never territories (warehouse.is_benchmark): they are left out of ranks and site tables.
CREATE TABLE geo_units AS
SELECT commune_code, territory_code AS unit, territory_name AS unit_name FROM territory_communes
UNION ALL
SELECT code, $region_unit, $region_name FROM communes
UNION ALL
SELECT c.code, $departement_prefix || c.dep, d.name FROM communes c JOIN departements d ON d.code = c.dep
