-- Mobility (Insee, MOBPRO / MOBSCO flows): where the employed residents of a territory work, and
-- where its pupils and students study: in the territory, in another territory of the region,
-- outside the region; and the share of the territory's jobs held by people living elsewhere.
-- The region's row is the same measure over all its residents (own territory = the territory
-- where each lives).
WITH f AS (
    SELECT m.kind, m.flow,
           o.territory_code AS from_t, d.territory_code AS to_t
    FROM mobility m
    LEFT JOIN territory_communes o ON o.commune_code = m.origin
    LEFT JOIN territory_communes d ON d.commune_code = m.destination
    WHERE m.year = (SELECT max(year) FROM mobility x WHERE x.kind = m.kind)
),
out_t AS (
    SELECT from_t AS unit, kind,
           sum(flow) AS total,
           sum(flow) FILTER (WHERE to_t = from_t) AS same,
           sum(flow) FILTER (WHERE to_t IS NOT NULL AND to_t <> from_t) AS other,
           sum(flow) FILTER (WHERE to_t IS NULL) AS outside
    FROM f WHERE from_t IS NOT NULL GROUP BY ALL
),
out_r AS (
    SELECT '_REGION' AS unit, kind, sum(total) AS total, sum(same) AS same, sum(other) AS other, sum(outside) AS outside
    FROM out_t GROUP BY kind
),
o AS (SELECT * FROM out_t UNION ALL SELECT * FROM out_r),
jobs AS (
    SELECT to_t AS unit, sum(flow) AS jobs, sum(flow) FILTER (WHERE from_t IS DISTINCT FROM to_t) AS from_elsewhere
    FROM f WHERE kind = 'travail' AND to_t IS NOT NULL GROUP BY to_t
),
jobs_all AS (
    SELECT * FROM jobs
    UNION ALL SELECT '_REGION', sum(jobs), sum(from_elsewhere) FROM jobs
)
SELECT unit, 'work_in_territory' AS indicator, 100.0 * same / nullif(total, 0) AS value FROM o WHERE kind = 'travail'
UNION ALL SELECT unit, 'work_other_territory', 100.0 * coalesce(other, 0) / nullif(total, 0) FROM o WHERE kind = 'travail'
UNION ALL SELECT unit, 'work_outside_region', 100.0 * coalesce(outside, 0) / nullif(total, 0) FROM o WHERE kind = 'travail'
UNION ALL SELECT unit, 'study_in_territory', 100.0 * same / nullif(total, 0) FROM o WHERE kind = 'etudes'
UNION ALL SELECT unit, 'study_other_territory', 100.0 * coalesce(other, 0) / nullif(total, 0) FROM o WHERE kind = 'etudes'
UNION ALL SELECT unit, 'study_outside_region', 100.0 * coalesce(outside, 0) / nullif(total, 0) FROM o WHERE kind = 'etudes'
UNION ALL SELECT unit, 'jobs_held_by_nonresidents', 100.0 * coalesce(from_elsewhere, 0) / nullif(jobs, 0) FROM jobs_all;
