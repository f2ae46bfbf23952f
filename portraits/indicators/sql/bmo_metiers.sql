-- BMO by métier and territory (allocated like bmo.sql), labelled with the FAP nomenclature when
-- present: the métiers with the most projects and the hardest to recruit.
WITH alloc AS (
    SELECT bt.territory_code AS unit, b.*, bt.weight
    FROM bmo b JOIN bassin_territory bt USING (bassin_code)
    UNION ALL
    SELECT '_REGION', b.*, 1.0 FROM bmo b WHERE b.bassin_code IN (SELECT bassin_code FROM bassin_territory)
)
SELECT unit, fap_code, any_value(fap_name) AS fap_name,
       sum(projects * weight) AS projects,
       100.0 * sum(difficult * weight) FILTER (WHERE difficult IS NOT NULL AND projects IS NOT NULL)
             / nullif(sum(projects * weight) FILTER (WHERE difficult IS NOT NULL AND projects IS NOT NULL), 0) AS difficult_share,
       100.0 * sum(seasonal * weight) FILTER (WHERE seasonal IS NOT NULL AND projects IS NOT NULL)
             / nullif(sum(projects * weight) FILTER (WHERE seasonal IS NOT NULL AND projects IS NOT NULL), 0) AS seasonal_share
FROM alloc
GROUP BY unit, fap_code
ORDER BY unit, projects DESC NULLS LAST, fap_code;
