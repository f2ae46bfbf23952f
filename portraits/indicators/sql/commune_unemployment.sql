-- Census rates by commune (latest census year), for the commune maps of each portrait:
-- unemployment rate of the 15-64 (chômeurs / actifs 15-64), employment rate of the 15-64 (actifs
-- occupés / population 15-64; the actifs occupés derived as actifs - chômeurs by the loader where
-- the file lacks them, as in the comparateur base), and the annual change of the population
-- between the two census years of the file (same rule as census.sql). Secret or missing cells give
-- no value.
WITH y AS (SELECT max(year) AS y FROM census WHERE variable = 'POP1564'),
y0 AS (SELECT max(year) AS y0 FROM census WHERE variable = 'POP' AND year < (SELECT y FROM y)),
c AS (
    SELECT commune_code,
           max(value) FILTER (WHERE variable = 'CHOM1564' AND year = (SELECT y FROM y)) AS chom1564,
           max(value) FILTER (WHERE variable = 'ACT1564' AND year = (SELECT y FROM y)) AS act1564,
           max(value) FILTER (WHERE variable = 'ACTOCC1564' AND year = (SELECT y FROM y)) AS actocc1564,
           max(value) FILTER (WHERE variable = 'POP1564' AND year = (SELECT y FROM y)) AS pop1564,
           max(value) FILTER (WHERE variable = 'POP' AND year = (SELECT y FROM y)) AS pop,
           max(value) FILTER (WHERE variable = 'POP' AND year = (SELECT y0 FROM y0)) AS pop_before
    FROM census GROUP BY commune_code
)
SELECT tc.territory_code, m.code, m.name, c.act1564,
       100.0 * c.chom1564 / nullif(c.act1564, 0) AS unemployment_rate,
       100.0 * c.actocc1564 / nullif(c.pop1564, 0) AS employment_rate,
       100.0 * (power(c.pop / nullif(c.pop_before, 0), 1.0 / ((SELECT y FROM y) - (SELECT y0 FROM y0))) - 1)
           AS population_change
FROM territory_communes tc
JOIN communes m ON m.code = tc.commune_code
LEFT JOIN c ON c.commune_code = tc.commune_code
ORDER BY tc.territory_code, m.name, m.code;
