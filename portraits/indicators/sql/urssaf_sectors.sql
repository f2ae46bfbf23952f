-- URSSAF salaried employment by NA17 sector (latest year), with the specialisation index
-- (territory share / regional share × 100).
WITH y AS (SELECT max(year) AS y FROM urssaf WHERE employees IS NOT NULL),
s AS (
    SELECT g.unit, e.na17_code, any_value(e.na17_label) AS na17_label, sum(e.employees) AS employees
    FROM geo_units g JOIN urssaf e ON e.commune_code = g.commune_code
    WHERE e.year = (SELECT y FROM y)
    GROUP BY g.unit, e.na17_code
),
sh AS (SELECT *, 100.0 * employees / nullif(sum(employees) OVER (PARTITION BY unit), 0) AS share FROM s)
SELECT a.unit, a.na17_code, a.na17_label, a.employees, a.share, 100.0 * a.share / nullif(r.share, 0) AS specialisation
FROM sh a LEFT JOIN sh r ON r.unit = '_REGION' AND r.na17_code = a.na17_code
ORDER BY a.unit, a.employees DESC NULLS LAST, a.na17_code;
