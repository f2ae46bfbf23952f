-- URSSAF: private salaried employment (annual average headcount) by year, by territory and for
-- the region (chart: index 100 at the first year). Secret or empty cells are missing, not summed.
SELECT g.unit, e.year, sum(e.employees)::DOUBLE AS employees
FROM geo_units g JOIN urssaf e ON e.commune_code = g.commune_code
WHERE e.employees IS NOT NULL
GROUP BY g.unit, e.year
ORDER BY g.unit, e.year;
