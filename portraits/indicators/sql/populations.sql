-- Populations légales (Insee, latest millésime), by territory and for the region.
SELECT g.unit, 'population_legal' AS indicator, sum(p.population)::DOUBLE AS value
FROM geo_units g JOIN populations p ON p.commune_code = g.commune_code
WHERE p.year = (SELECT max(year) FROM populations)
GROUP BY g.unit;
