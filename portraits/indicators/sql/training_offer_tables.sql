-- Training actions by level, by domain (first two digits of the main Formacode) and by route,
-- per territory and for the region (charts and tables of the training block).
WITH placed AS (SELECT * FROM training_offer_placed),
units AS (
    SELECT territory_code AS unit, * FROM placed
    UNION ALL SELECT '_REGION' AS unit, * FROM placed
)
SELECT unit, 'level' AS breakdown, coalesce(CAST(level AS VARCHAR), 'non précisé') AS category, count(*) AS n
FROM units GROUP BY ALL
UNION ALL
SELECT unit, 'domain', coalesce(left(formacode, 2), 'non précisé'), count(*) FROM units GROUP BY ALL
UNION ALL
SELECT unit, 'route', CASE WHEN apprenticeship THEN 'apprentissage' ELSE 'formation continue' END, count(*)
FROM units GROUP BY ALL
ORDER BY unit, breakdown, n DESC, category;
