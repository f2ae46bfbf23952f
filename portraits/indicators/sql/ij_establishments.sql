-- InserJeunes by establishment (latest millésime) with the territory it belongs to: the table of
-- the portrait. Lines of the three populations are pivoted; missing rates stay missing ("nd").
WITH latest AS (SELECT max(millesime) AS m FROM inserjeunes WHERE route = 'pro')
SELECT p.territory_code AS unit, i.uai, i.name, e.commune_name,
       max(i.employment_rate_6m) FILTER (WHERE i.population = 'ensemble') AS employment_6m,
       max(i.employment_rate_6m) FILTER (WHERE i.population = 'scolaires') AS employment_6m_school,
       max(i.employment_rate_6m) FILTER (WHERE i.population = 'apprentis') AS employment_6m_apprentices,
       max(i.further_study_rate) FILTER (WHERE i.population = 'ensemble') AS further_study,
       max(i.value_added_6m) FILTER (WHERE i.population = 'ensemble') AS value_added
FROM inserjeunes i
JOIN establishment_territory p USING (uai)
JOIN establishments e USING (uai)
WHERE i.route = 'pro' AND i.millesime = (SELECT m FROM latest)
GROUP BY ALL
ORDER BY unit, employment_6m DESC NULLS LAST, i.name, i.uai;
