"""The ONISEP loader on the real Idéo extract (2022): countable facts checked by hand on the file
(grep on the raw lines), never copied into the project."""
from __future__ import annotations

import csv

import pytest

from sources import onisep

pytestmark = pytest.mark.real

IDEO = "onisep-ideo-formations_initiales_en_france_2022.csv"


@pytest.fixture
def ideo(real_dir):
    return onisep.read([real_dir / IDEO])


def test_real_ideo_counts(ideo):
    df = ideo.frame
    assert len(df) == 6086 and df.onisep_id.is_unique
    assert ideo.vintage == "extraction 2022 (structure 2022)" and not ideo.warnings
    counts = df.type_code.value_counts()
    # by hand: grep -c '^[^;]*;BTS;' → 105, '^[^;]*;CAP;' → 182, '^[^;]*;CAP agricole;' → 10
    assert (counts["BTS"], counts["CAP"], counts["CAP agricole"]) == (105, 182, 10)
    assert df.type_code.isna().sum() == 3978                    # no "sigle type formation"
    # by hand: grep -c 'informatique, internet/' → 724 rows with that domain (multi-valued column)
    assert df.domains.str.split("|").map(lambda d: "informatique, internet" in d).sum() == 724
    # by hand: grep -c '"non inscrit au RNCP"' → 2126, plus 25 rows whose level is "non renseigné"
    assert df.rncp_level.isna().sum() == 2126 + 25
    assert df.rncp_level.value_counts().to_dict() == {7: 1525, 6: 898, 5: 620, 4: 538, 3: 350, 8: 4}
    assert df.cfd.isna().all()
    # by hand: cut -d';' -f1 | grep -c '^$' → 436 formations without "code CNIS" (the NSF speciality)
    assert df.nsf.isna().sum() == 436 and df.nsf.nunique() == 88


def test_real_ideo_specialities_are_all_in_the_bundled_correspondence(ideo):
    """Every NSF speciality of the real referential has a row in data/training/nsf_fap2021.csv."""
    import pandas as pd
    from portraits.warehouse import CORRESPONDENCE_DIR
    table = pd.read_csv(CORRESPONDENCE_DIR / "nsf_fap2021.csv", comment="#", dtype=str)
    assert set(ideo.frame.nsf.dropna()) <= set(table.nsf)


def test_real_ideo_old_level_numbering(real_dir):
    """The 2022 column "niveau RNCP" is the old numbering: OLD_LEVELS agrees with every label."""
    with open(real_dir / IDEO, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    pairs = {(r["niveau RNCP"], r["libellé niveau RNCP"]) for r in rows if r["libellé niveau RNCP"].startswith("niveau")}
    assert pairs and all(onisep.OLD_LEVELS[code] == int(label.split()[1]) for code, label in pairs)
