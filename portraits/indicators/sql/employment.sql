-- Employment: jobseekers (France Travail, cat. A, B, C) by territory, last month available.
-- Only the communes present in the file count; the coverage indicator says how many people live there.
WITH last AS (SELECT max(month) AS m FROM jobseekers),
covered AS (SELECT DISTINCT commune_code FROM jobseekers),
by_unit AS (
    SELECT g.unit,
           sum(j.jobseekers) FILTER (WHERE j.month = (SELECT m FROM last)) AS now,
           sum(j.jobseekers) FILTER (WHERE j.month = (SELECT m FROM last) - INTERVAL 12 MONTH) AS year_before
    FROM geo_units g JOIN jobseekers j ON j.commune_code = g.commune_code
    GROUP BY g.unit
),
pop AS (
    SELECT g.unit,
           sum(c.population) AS population,
           sum(c.population) FILTER (WHERE c.code IN (SELECT commune_code FROM covered)) AS covered_population
    FROM geo_units g JOIN communes c ON c.code = g.commune_code
    GROUP BY g.unit
)
SELECT p.unit, 'jobseekers' AS indicator, coalesce(b.now, 0)::DOUBLE AS value
FROM pop p LEFT JOIN by_unit b USING (unit)
UNION ALL
SELECT unit, 'jobseekers_change_1y', 100.0 * (now - year_before) / nullif(year_before, 0)
FROM by_unit
UNION ALL
SELECT p.unit, 'jobseekers_per_100', 100.0 * b.now / nullif(p.covered_population, 0)
FROM pop p LEFT JOIN by_unit b USING (unit)
UNION ALL
SELECT unit, 'jobseekers_coverage', 100.0 * coalesce(covered_population, 0) / nullif(population, 0)
FROM pop;
