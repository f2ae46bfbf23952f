-- Census (Insee, RP): population and its change, activity, employment, unemployment, jobs at the
-- place of work and employment concentration, by territory and for the region. Latest census
-- year, and the previous year of the same file for changes (6 years in the bases communales, 5 in
-- the comparateur). Secret cells are missing and not summed. Actifs occupés (ACTOCC1564) are in
-- the census table as the files give them, or derived by the loader as ACT1564 - CHOM1564 where a
-- file lacks them (the comparateur base). Age shares are computed only when the six bands are
-- there (POP75P = POP7589 + POP90P in the commune base): never on a part of the population.
WITH latest AS (SELECT max(year) AS y FROM census WHERE variable = 'POP1564'),
years AS (
    SELECT (SELECT y FROM latest) AS y,
           (SELECT max(year) FROM census WHERE variable = 'POP' AND year < (SELECT y FROM latest)) AS y0
),
v AS (
    SELECT g.unit, c.year, c.variable, sum(c.value) AS value
    FROM geo_units g JOIN census c ON c.commune_code = g.commune_code
    GROUP BY ALL
),
w AS (
    SELECT unit,
        max(value) FILTER (WHERE variable = 'POP' AND year = (SELECT y FROM years)) AS pop,
        max(value) FILTER (WHERE variable = 'POP' AND year = (SELECT y0 FROM years)) AS pop_before,
        max(value) FILTER (WHERE variable = 'POP1564' AND year = (SELECT y FROM years)) AS pop1564,
        max(value) FILTER (WHERE variable = 'ACT1564' AND year = (SELECT y FROM years)) AS act1564,
        max(value) FILTER (WHERE variable = 'ACTOCC1564' AND year = (SELECT y FROM years)) AS actocc1564,
        max(value) FILTER (WHERE variable = 'CHOM1564' AND year = (SELECT y FROM years)) AS chom1564,
        max(value) FILTER (WHERE variable = 'ACTOCC15P' AND year = (SELECT y FROM years)) AS actocc15p,
        max(value) FILTER (WHERE variable = 'EMPLT' AND year = (SELECT y FROM years)) AS emplt,
        max(value) FILTER (WHERE variable = 'EMPLT' AND year = (SELECT y0 FROM years)) AS emplt_before
    FROM v GROUP BY unit
),
ages AS (
    SELECT unit,
        sum(value) FILTER (WHERE variable = 'POP1529') AS pop1529,
        sum(value) FILTER (WHERE variable IN ('POP6074', 'POP75P')) AS pop60p,
        CASE WHEN count(value) FILTER (WHERE variable IN ('POP0014', 'POP1529', 'POP3044', 'POP4559', 'POP6074', 'POP75P')) = 6
             THEN sum(value) FILTER (WHERE variable IN ('POP0014', 'POP1529', 'POP3044', 'POP4559', 'POP6074', 'POP75P'))
        END AS pop_ages
    FROM v WHERE year = (SELECT y FROM years) GROUP BY unit
)
SELECT unit, 'census_population_change' AS indicator,
       100.0 * (power(pop / nullif(pop_before, 0), 1.0 / ((SELECT y FROM years) - (SELECT y0 FROM years))) - 1) AS value FROM w
UNION ALL SELECT unit, 'activity_rate', 100.0 * act1564 / nullif(pop1564, 0) FROM w
UNION ALL SELECT unit, 'employment_rate', 100.0 * actocc1564 / nullif(pop1564, 0) FROM w
UNION ALL SELECT unit, 'unemployment_rate_census', 100.0 * chom1564 / nullif(act1564, 0) FROM w
UNION ALL SELECT unit, 'jobs', emplt FROM w
UNION ALL SELECT unit, 'jobs_change', 100.0 * (emplt - emplt_before) / nullif(emplt_before, 0) FROM w
UNION ALL SELECT unit, 'employment_concentration', 100.0 * emplt / nullif(actocc15p, 0) FROM w
UNION ALL SELECT unit, 'share_1529', 100.0 * pop1529 / nullif(pop_ages, 0) FROM ages
UNION ALL SELECT unit, 'share_60p', 100.0 * pop60p / nullif(pop_ages, 0) FROM ages;
