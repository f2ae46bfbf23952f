-- Census unemployment rate of the 15-64 by commune (latest census year), for the commune map of
-- each portrait: chômeurs / actifs 15-64. Secret or missing cells give no rate.
WITH y AS (SELECT max(year) AS y FROM census WHERE variable = 'POP1564'),
c AS (
    SELECT commune_code,
           max(value) FILTER (WHERE variable = 'CHOM1564') AS chom1564,
           max(value) FILTER (WHERE variable = 'ACT1564') AS act1564
    FROM census WHERE year = (SELECT y FROM y) GROUP BY commune_code
)
SELECT tc.territory_code, m.code, m.name, c.act1564,
       100.0 * c.chom1564 / nullif(c.act1564, 0) AS unemployment_rate
FROM territory_communes tc
JOIN communes m ON m.code = tc.commune_code
LEFT JOIN c ON c.commune_code = tc.commune_code
ORDER BY tc.territory_code, m.name, m.code;
