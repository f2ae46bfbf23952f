-- Monthly jobseekers by territory and for the region (chart: index 100 at the first month).
SELECT g.unit, j.month, sum(j.jobseekers)::DOUBLE AS jobseekers
FROM geo_units g JOIN jobseekers j ON j.commune_code = g.commune_code
GROUP BY g.unit, j.month
ORDER BY g.unit, j.month;
