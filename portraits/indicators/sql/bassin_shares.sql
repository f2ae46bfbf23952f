-- BMO bassins of each territory, with the share of each bassin allocated to it (method note).
SELECT bt.territory_code AS unit, bt.bassin_code, any_value(b.bassin_name) AS bassin_name, bt.weight
FROM bassin_territory bt JOIN bmo_bassins b USING (bassin_code)
GROUP BY ALL
ORDER BY unit, bt.weight DESC, bt.bassin_code;
