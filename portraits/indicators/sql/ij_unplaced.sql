-- InserJeunes establishments that the education directory does not know (cannot be placed).
SELECT i.uai, min(i.name) AS name FROM inserjeunes i
WHERE i.uai NOT IN (SELECT uai FROM establishment_territory)
GROUP BY i.uai
ORDER BY i.uai;
