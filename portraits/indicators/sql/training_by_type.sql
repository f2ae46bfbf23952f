-- Establishments by type and status, per territory and for the region (chart and table).
WITH placed AS (
    SELECT e.type, e.status, p.territory_code
    FROM establishments e JOIN establishment_territory p USING (uai)
    WHERE e.type IN ('Collège', 'Lycée', 'EREA')
)
SELECT territory_code AS unit, type, status, count(*) AS n FROM placed GROUP BY ALL
UNION ALL
SELECT '_REGION', type, status, count(*) FROM placed GROUP BY ALL
ORDER BY unit, type, status;
