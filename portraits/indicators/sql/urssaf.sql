-- URSSAF: private salaried employment (headcount at the end of the year, private sector, general
-- scheme) and its change over one year, by territory and for the region.
WITH y AS (SELECT max(year) AS y FROM urssaf WHERE employees IS NOT NULL),
u AS (
    SELECT g.unit,
        sum(e.employees) FILTER (WHERE e.year = (SELECT y FROM y)) AS now,
        sum(e.employees) FILTER (WHERE e.year = (SELECT y FROM y) - 1) AS year_before,
        sum(e.establishments) FILTER (WHERE e.year = (SELECT y FROM y)) AS establishments
    FROM geo_units g JOIN urssaf e ON e.commune_code = g.commune_code
    GROUP BY g.unit
)
SELECT unit, 'salaried_jobs' AS indicator, now AS value FROM u
UNION ALL SELECT unit, 'salaried_jobs_change_1y', 100.0 * (now - year_before) / nullif(year_before, 0) FROM u
UNION ALL SELECT unit, 'employer_establishments', establishments FROM u;
