-- School-status training actions (Idéo) by level (2019 nomenclature, from the Idéo referential of
-- formations) and by domain (first Idéo domain of the formation), per territory and for the region.
WITH a AS (SELECT * FROM training_actions WHERE route = 'voie scolaire' AND territory_code IS NOT NULL),
units AS (
    SELECT territory_code AS unit, * FROM a
    UNION ALL SELECT '_REGION' AS unit, * FROM a
)
SELECT unit, 'level' AS breakdown, coalesce(CAST(level AS VARCHAR), 'non précisé') AS category, count(*) AS n
FROM units GROUP BY ALL
UNION ALL
SELECT unit, 'domain', coalesce(nullif(domain, ''), 'non précisé'), count(*) FROM units GROUP BY ALL
ORDER BY unit, breakdown, n DESC, category;
