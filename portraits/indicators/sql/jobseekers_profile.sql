-- Jobseekers by category and profile (France Travail API, by bassin d'emploi), allocated from the
-- bassins to the territories by the share of each bassin's population living there
-- (bassin_territory, the rule of the BMO figures); the region is the sum of its bassins.
-- A group (e.g. under 25) is secret in a bassin when one of its cells is masked: shares are then
-- computed on the bassins where both the group and the total are known; counts are missing
-- when one of the bassins' totals is masked (never counted as zero).
WITH last AS (SELECT max(quarter) AS q FROM jobseekers_profile WHERE area_type = 'bassin'),
cells AS (
    SELECT area_code AS bassin_code, category, quarter, grp,
           CASE WHEN bool_and("count" IS NOT NULL) THEN sum("count") END AS n
    FROM jobseekers_profile
    WHERE area_type = 'bassin' AND grp IS NOT NULL
      AND quarter IN ((SELECT q FROM last), (SELECT q FROM last) - INTERVAL 12 MONTH)
    GROUP BY ALL
),
alloc AS (
    SELECT bt.territory_code AS unit, c.*, bt.weight FROM cells c JOIN bassin_territory bt USING (bassin_code)
    UNION ALL
    SELECT '_REGION', c.*, 1.0 FROM cells c WHERE c.bassin_code IN (SELECT bassin_code FROM bassin_territory)
),
pairs AS (
    SELECT g.unit, g.category, g.quarter, g.grp, g.n * g.weight AS n, t.n * t.weight AS total
    FROM alloc g JOIN alloc t ON t.unit = g.unit AND t.bassin_code = g.bassin_code AND t.category = g.category
                              AND t.quarter = g.quarter AND t.grp = 'total'
),
counts AS (
    SELECT unit, category,
           CASE WHEN bool_and(total IS NOT NULL) FILTER (WHERE quarter = (SELECT q FROM last))
                THEN sum(total) FILTER (WHERE quarter = (SELECT q FROM last)) END AS now,
           CASE WHEN bool_and(total IS NOT NULL) FILTER (WHERE quarter < (SELECT q FROM last))
                THEN sum(total) FILTER (WHERE quarter < (SELECT q FROM last)) END AS year_before
    FROM pairs WHERE grp = 'total' GROUP BY ALL
),
shares AS (
    SELECT unit, grp,
           100.0 * sum(n) FILTER (WHERE n IS NOT NULL AND total IS NOT NULL)
                 / nullif(sum(total) FILTER (WHERE n IS NOT NULL AND total IS NOT NULL), 0) AS share
    FROM pairs WHERE category = 'ABC' AND quarter = (SELECT q FROM last) GROUP BY ALL
)
SELECT unit, 'jobseekers_cat_a' AS indicator, now AS value FROM counts WHERE category = 'A'
UNION ALL SELECT unit, 'jobseekers_cat_a_change_1y', 100.0 * (now - year_before) / nullif(year_before, 0)
          FROM counts WHERE category = 'A'
UNION ALL SELECT unit, 'jobseekers_cat_abc_bassins', now FROM counts WHERE category = 'ABC'
UNION ALL SELECT unit, 'jobseekers_share_under25', share FROM shares WHERE grp = 'under25'
UNION ALL SELECT unit, 'jobseekers_share_50plus', share FROM shares WHERE grp = 'age50plus'
UNION ALL SELECT unit, 'jobseekers_share_long_term', share FROM shares WHERE grp = 'long_term'
UNION ALL SELECT unit, 'jobseekers_share_women', share FROM shares WHERE grp = 'women';
