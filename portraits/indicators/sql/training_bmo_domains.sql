-- Training offer and recruitment needs side by side, by FAP-2021 domain (letters A–X):
-- - projects: BMO recruitment projects of the domain (first letter of the FAP code), allocated from
--   bassins to territories like bmo.sql; share = projects of the domain / all projects of the unit;
-- - actions: training actions of every route (training_actions) whose NSF speciality the bundled
--   correspondence (nsf_fap, data/training/nsf_fap2021.csv) sends to the domain; share = actions of the
--   domain / actions with a domain. actions_total counts every placed action of the unit, with or
--   without a domain, so the page can say how many could not be compared.
WITH alloc AS (
    SELECT bt.territory_code AS unit, b.fap_code, b.projects, bt.weight
    FROM bmo b JOIN bassin_territory bt USING (bassin_code)
    UNION ALL
    SELECT '_REGION', b.fap_code, b.projects, 1.0 FROM bmo b
    WHERE b.bassin_code IN (SELECT bassin_code FROM bassin_territory)
),
projects AS (
    SELECT unit, left(fap_code, 1) AS fap_domain, sum(projects * weight) AS projects
    FROM alloc WHERE projects IS NOT NULL GROUP BY ALL
),
acts AS (
    SELECT territory_code AS unit, n.fap_domain FROM training_actions a LEFT JOIN nsf_fap n USING (nsf)
    WHERE a.territory_code IS NOT NULL
    UNION ALL
    SELECT '_REGION', n.fap_domain FROM training_actions a LEFT JOIN nsf_fap n USING (nsf)
    WHERE a.territory_code IS NOT NULL
),
actions AS (SELECT unit, fap_domain, count(*) AS actions FROM acts WHERE fap_domain IS NOT NULL GROUP BY ALL),
totals AS (SELECT unit, count(*) AS actions_total, count(fap_domain) AS actions_mapped FROM acts GROUP BY unit),
units AS (SELECT unit FROM projects UNION SELECT unit FROM totals)
SELECT u.unit, d.fap_domain, d.fap_domain_label,
       coalesce(p.projects, 0) AS projects,
       100.0 * coalesce(p.projects, 0) / nullif(sum(p.projects) OVER (PARTITION BY u.unit), 0) AS projects_share,
       coalesce(a.actions, 0) AS actions,
       100.0 * coalesce(a.actions, 0) / nullif(t.actions_mapped, 0) AS actions_share,
       coalesce(t.actions_total, 0) AS actions_total, coalesce(t.actions_mapped, 0) AS actions_mapped
FROM units u CROSS JOIN fap_domains d
LEFT JOIN projects p ON p.unit = u.unit AND p.fap_domain = d.fap_domain
LEFT JOIN actions a ON a.unit = u.unit AND a.fap_domain = d.fap_domain
LEFT JOIN totals t ON t.unit = u.unit
ORDER BY u.unit, d.fap_domain;
