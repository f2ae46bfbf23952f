-- Regional outcomes by route (voie scolaire, apprentissage) from the counts of the InserJeunes
-- region × formation file: for each route and measure, the latest millésime in which it is
-- published, and the sums of its numerator and denominator over the formations where both are
-- published (employment: employed / leavers; further study: going on studying / final-year
-- pupils or apprentices). The rate, and the rule on fewer than 20 leavers, are applied in
-- portraits/report.py (leaver_rate), never here.
WITH measures AS (
    SELECT millesime, route, 'employment_6m' AS measure, employed_6m AS num, leavers AS den FROM inserjeunes_formations
    UNION ALL SELECT millesime, route, 'employment_12m', employed_12m, leavers FROM inserjeunes_formations
    UNION ALL SELECT millesime, route, 'employment_18m', employed_18m, leavers FROM inserjeunes_formations
    UNION ALL SELECT millesime, route, 'employment_24m', employed_24m, leavers FROM inserjeunes_formations
    UNION ALL SELECT millesime, route, 'further_study', further_study, final_year FROM inserjeunes_formations
),
published AS (SELECT * FROM measures WHERE num IS NOT NULL AND den IS NOT NULL),
latest AS (SELECT route, measure, max(millesime) AS millesime FROM published GROUP BY ALL)
SELECT p.route, p.measure, p.millesime, sum(p.num)::BIGINT AS num, sum(p.den)::BIGINT AS den,
       count(*)::BIGINT AS formations
FROM published p JOIN latest l USING (route, measure, millesime)
GROUP BY ALL
ORDER BY p.route, p.measure;
