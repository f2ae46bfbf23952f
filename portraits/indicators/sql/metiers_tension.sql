-- The tension of each territory's BMO métiers (and the region's): the Dares indicators of the
-- métier's FAP code in the territory's main département (the one holding most of its
-- population), at the file's finest FAP level, else at its FAP-86/87 prefix (first 3 characters),
-- else the same two in the région, the first whose tension class is published (not n.d.): step,
-- geo_level, geo_code and tension_fap_code say which. The region (_REGION) takes the région's.
-- No tension when the file is not in FAP-2021, the BMO's nomenclature (nomenclature says which).
-- The projects and shares of each métier are those of bmo_metiers.sql (joined by the section).
WITH metiers AS (
    SELECT DISTINCT bt.territory_code AS unit, b.fap_code
    FROM bmo b JOIN bassin_territory bt USING (bassin_code)
    UNION
    SELECT DISTINCT '_REGION', b.fap_code FROM bmo b WHERE b.bassin_code IN (SELECT bassin_code FROM bassin_territory)
),
dep_population AS (
    SELECT tc.territory_code AS unit, c.dep, sum(c.population) AS population
    FROM territory_communes tc JOIN communes c ON c.code = tc.commune_code
    GROUP BY tc.territory_code, c.dep
),
main_dep AS (
    SELECT unit, dep FROM (
        SELECT unit, dep, row_number() OVER (PARTITION BY unit ORDER BY population DESC NULLS LAST, dep) AS r
        FROM dep_population)
    WHERE r = 1
),
t AS (
    SELECT geo_level, geo_code, fap_code, any_value(fap_name) AS fap_name,
           max(quintile) FILTER (WHERE indicator = 'tension') AS tension_class,
           max(value) FILTER (WHERE indicator = 'tension') AS tension_value,
           max(quintile) FILTER (WHERE indicator = 'intensite_embauches') AS intensite_embauches,
           max(quintile) FILTER (WHERE indicator = 'manque_main_oeuvre') AS manque_main_oeuvre,
           max(quintile) FILTER (WHERE indicator = 'conditions_travail') AS conditions_travail,
           max(quintile) FILTER (WHERE indicator = 'non_durabilite') AS non_durabilite,
           max(quintile) FILTER (WHERE indicator = 'inadequation_geo') AS inadequation_geo,
           max(quintile) FILTER (WHERE indicator = 'lien_formation_emploi') AS lien_formation_emploi
    FROM tension
    WHERE nomenclature = 'FAP-2021' AND geo_level IN ('dep', 'reg')
    GROUP BY geo_level, geo_code, fap_code
),
candidates AS (
    SELECT m.unit, m.fap_code, CASE WHEN t.geo_level = 'dep' THEN 0 ELSE 2 END
                                   + CASE WHEN t.fap_code = m.fap_code THEN 1 ELSE 2 END AS step,
           t.geo_level, t.geo_code, t.fap_code AS tension_fap_code, t.fap_name AS tension_fap_name,
           t.* EXCLUDE (geo_level, geo_code, fap_code, fap_name)
    FROM metiers m
    LEFT JOIN main_dep d ON d.unit = m.unit
    JOIN t ON (t.fap_code = m.fap_code OR t.fap_code = left(m.fap_code, 3))
          AND ((t.geo_level = 'dep' AND t.geo_code = d.dep) OR t.geo_level = 'reg')
    WHERE t.tension_class IS NOT NULL
),
chosen AS (
    SELECT * EXCLUDE (r) FROM (
        SELECT *, row_number() OVER (PARTITION BY unit, fap_code ORDER BY step) AS r FROM candidates)
    WHERE r = 1
)
SELECT m.unit, m.fap_code, d.dep AS main_dep, c.step, c.geo_level, c.geo_code,
       c.tension_fap_code, c.tension_fap_name, c.tension_class, c.tension_value,
       c.intensite_embauches, c.manque_main_oeuvre, c.conditions_travail, c.non_durabilite, c.inadequation_geo,
       c.lien_formation_emploi,
       (SELECT min(nomenclature) FROM tension) AS nomenclature
FROM metiers m
LEFT JOIN main_dep d ON d.unit = m.unit
LEFT JOIN chosen c ON c.unit = m.unit AND c.fap_code = m.fap_code
ORDER BY m.unit, m.fap_code;
