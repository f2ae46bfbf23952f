-- establishment_territory: each establishment of the annuaire (establishments) in its territory.
-- A point goes to the territory whose polygon contains it (tests put points on known sides of a
-- boundary); points without coordinates, or outside every territory (simplified borders, wrong
-- coordinates), are placed by their commune code; placed_by says which. Simplified borders overlap
-- a little: a point in two territories goes to the one of its commune code when that is one of
-- them. The three placement tables run the same query on their points and keys
-- (tests/test_tables.py keeps them in step).
CREATE TABLE establishment_territory AS
WITH pts AS (
    SELECT uai, commune_code,
           CASE WHEN lat IS NOT NULL AND lon IS NOT NULL THEN ST_Point(lon, lat) END AS pt
    FROM establishments
),
by_point AS (
    SELECT p.uai, t.territory_code
    FROM pts p
    JOIN territories t ON p.pt IS NOT NULL AND ST_Contains(t.geom, p.pt)
    LEFT JOIN territory_communes own ON own.commune_code = p.commune_code
    QUALIFY row_number() OVER (PARTITION BY p.uai
                               ORDER BY (t.territory_code = own.territory_code) DESC, t.territory_code) = 1
)
SELECT p.uai,
       coalesce(b.territory_code, tc.territory_code) AS territory_code,
       CASE WHEN b.territory_code IS NOT NULL THEN 'coordonnées'
            WHEN tc.territory_code IS NOT NULL THEN 'commune' END AS placed_by
FROM pts p
LEFT JOIN by_point b USING (uai)
LEFT JOIN territory_communes tc ON tc.commune_code = p.commune_code
