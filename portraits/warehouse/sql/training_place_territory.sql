-- training_place_territory: each training action of the Carif-Oref offer (training_offer) in
-- its territory.
-- A point goes to the territory whose polygon contains it (tests put points on known sides of a
-- boundary); points without coordinates, or outside every territory (simplified borders, wrong
-- coordinates), are placed by their commune code; placed_by says which. Simplified borders overlap
-- a little: a point in two territories goes to the one of its commune code when that is one of
-- them. The three placement tables run the same query on their points and keys
-- (tests/test_tables.py keeps them in step).
CREATE TABLE training_place_territory AS
WITH pts AS (
    SELECT formation_id, action_id, commune_code,
           CASE WHEN lat IS NOT NULL AND lon IS NOT NULL THEN ST_Point(lon, lat) END AS pt
    FROM training_offer
),
by_point AS (
    SELECT p.formation_id, p.action_id, t.territory_code
    FROM pts p
    JOIN territories t ON p.pt IS NOT NULL AND ST_Contains(t.geom, p.pt)
    LEFT JOIN territory_communes own ON own.commune_code = p.commune_code
    QUALIFY row_number() OVER (PARTITION BY p.formation_id, p.action_id
                               ORDER BY (t.territory_code = own.territory_code) DESC, t.territory_code) = 1
)
SELECT p.formation_id, p.action_id,
       coalesce(b.territory_code, tc.territory_code) AS territory_code,
       CASE WHEN b.territory_code IS NOT NULL THEN 'coordonnées'
            WHEN tc.territory_code IS NOT NULL THEN 'commune' END AS placed_by
FROM pts p
LEFT JOIN by_point b USING (formation_id, action_id)
LEFT JOIN territory_communes tc ON tc.commune_code = p.commune_code
