-- Census breakdowns for charts and tables: population by age band, jobs by sector (with the
-- specialisation index against the region), actifs occupés by socio-professional category.
-- Shares only for a unit that has every part of the breakdown (6 age bands, 5 sectors, 6 CSP):
-- with a band missing (a column absent from the file) the others would not add up to 100 %.
WITH y AS (SELECT max(year) AS y FROM census WHERE variable = 'POP1564'),
v AS (
    SELECT g.unit, c.variable, sum(c.value) AS value
    FROM geo_units g JOIN census c ON c.commune_code = g.commune_code
    WHERE c.year = (SELECT y FROM y)
      AND c.variable IN ('POP0014', 'POP1529', 'POP3044', 'POP4559', 'POP6074', 'POP75P',
                         'EMPLT_AGRI', 'EMPLT_INDUS', 'EMPLT_CONST', 'EMPLT_CTS', 'EMPLT_APESAS',
                         'ACTOCC1564_CS1', 'ACTOCC1564_CS2', 'ACTOCC1564_CS3', 'ACTOCC1564_CS4',
                         'ACTOCC1564_CS5', 'ACTOCC1564_CS6')
    GROUP BY ALL
),
grouped AS (
    SELECT *, CASE WHEN variable LIKE 'POP%' THEN 'age' WHEN variable LIKE 'EMPLT%' THEN 'sector' ELSE 'csp' END AS breakdown
    FROM v
),
shares AS (
    SELECT *, CASE WHEN count(value) OVER (PARTITION BY unit, breakdown)
                        = CASE breakdown WHEN 'age' THEN 6 WHEN 'sector' THEN 5 ELSE 6 END
                   THEN 100.0 * value / nullif(sum(value) OVER (PARTITION BY unit, breakdown), 0) END AS share
    FROM grouped
)
SELECT s.unit, s.breakdown, s.variable, s.value, s.share,
       100.0 * s.share / nullif(r.share, 0) AS specialisation
FROM shares s LEFT JOIN shares r ON r.unit = '_REGION' AND r.variable = s.variable
ORDER BY s.unit, s.breakdown, s.variable;
