-- territory_areas: the area of each territory in km² (on the spheroid, from its simplified
-- contour in longitude/latitude), for the density of the territoires comparables.
SELECT territory_code AS unit, ST_Area_Spheroid(ST_FlipCoordinates(geom)) / 1e6 AS area_km2
FROM territories
ORDER BY unit
