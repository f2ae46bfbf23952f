-- Training actions by route (voie scolaire: Idéo; apprentissage and formation continue: Carif-Oref),
-- per territory and for the region. Only the routes whose dataset was loaded appear.
WITH a AS (SELECT * FROM training_actions WHERE territory_code IS NOT NULL),
units AS (
    SELECT territory_code AS unit, * FROM a
    UNION ALL SELECT '_REGION' AS unit, * FROM a
)
SELECT unit, route AS category, count(*) AS n FROM units GROUP BY ALL
ORDER BY unit, category;
