"""A tiny hand-written contract dataset with answers known by hand.

Two regions, two units, four posts, three employees. ``e1`` moves from p1 to p2 on
2016-07-01 (a promotion into a first managerial post); ``e2`` moves from p4 to p3 on
2015-07-01 and fails to settle (a ``kurang`` appraisal for 2016).

Status periods (none of them moves a known answer: the default rules ignore them): ``e2``
was suspended from 2013-06-01 to 2013-11-30 (ended), is on study leave (tugas belajar)
from 2019-09-02 to 2021-08-31 (running at the usual as-of date 2020-01-01) and then owes a
service bond (ikatan dinas, 2n + 1 = 5 years) from 2021-09-01 (in the future then). Posts
p3 and p4 name the education fields they require (``required_fields``): e1 and e2 studied
keuangan, so they qualify for p4 and not for p3; e3 (d3 kesehatan) qualifies for p3.
"""

from pathlib import Path

import pandas as pd

RATINGS_E1 = {2011: "baik", 2012: "baik", 2013: "sangat_baik", 2014: "baik", 2015: "sangat_baik",
              2016: "baik", 2017: "sangat_baik", 2018: "baik", 2019: "baik"}
RATINGS_E2 = {2011: "baik", 2012: "baik", 2013: "baik", 2014: "baik", 2015: "baik",
              2016: "kurang", 2017: "baik", 2018: "baik", 2019: "baik"}
RATINGS_E3 = {2018: "baik", 2019: "baik"}


def _appraisals(employee_id: str, ratings: dict[int, str]) -> list[dict]:
    return [{"employee_id": employee_id, "period_start": f"{y}-01-01", "period_end": f"{y}-12-31",
             "rating": r, "work_result": "sesuai", "work_behavior": "sesuai"} for y, r in ratings.items()]


def _standard(position_id: str, level: int, domain: str) -> list[dict]:
    codes = [f"m.0{i}" for i in range(1, 9)] + ["sk.01", f"t.{domain}"]
    return [{"position_id": position_id, "competency_code": code, "required_level": str(level)}
            for code in codes]


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Contract tables as strings, exactly as a CSV export would hold them."""
    rows = {
        "regions": [
            {"region_id": "r1", "name": "Kota Kupang", "latitude": "-10.17", "longitude": "123.61", "remote": "false"},
            {"region_id": "r2", "name": "Kab. Sumba Timur", "latitude": "-9.66", "longitude": "120.26", "remote": "true"},
        ],
        "units": [
            {"unit_id": "u1", "name": "Badan Keuangan Daerah", "parent_unit_id": "", "region_id": "r1", "domain": "keuangan"},
            {"unit_id": "u2", "name": "UPT Kesehatan Sumba Timur", "parent_unit_id": "u1", "region_id": "r2", "domain": "kesehatan"},
        ],
        "positions": [
            {"position_id": "p1", "unit_id": "u1", "title": "Pengadministrasi Keuangan", "position_type": "pelaksana",
             "functional_level": "", "job_class": "6", "domain": "keuangan", "min_grade": "II/a", "min_education": "sma"},
            {"position_id": "p2", "unit_id": "u1", "title": "Kepala Subbidang Anggaran", "position_type": "pengawas",
             "functional_level": "", "job_class": "9", "domain": "keuangan", "min_grade": "III/b", "min_education": "s1"},
            {"position_id": "p3", "unit_id": "u2", "title": "Kepala Seksi Pelayanan", "position_type": "pengawas",
             "functional_level": "", "job_class": "9", "domain": "kesehatan", "min_grade": "III/b", "min_education": "s1",
             "required_fields": "kesehatan;kesehatan_masyarakat"},
            {"position_id": "p4", "unit_id": "u1", "title": "Analis Keuangan Ahli Pertama", "position_type": "fungsional",
             "functional_level": "ahli_pertama", "job_class": "8", "domain": "keuangan", "min_grade": "III/a", "min_education": "s1",
             "required_fields": "akuntansi;keuangan"},
        ],
        "position_competencies": _standard("p1", 2, "keuangan") + _standard("p2", 3, "keuangan")
        + _standard("p3", 3, "kesehatan") + _standard("p4", 3, "keuangan"),
        "employees": [
            {"employee_id": "e1", "birth_date": "1985-05-01", "gender": "p", "employment_status": "pns",
             "cpns_date": "2010-03-01", "home_region_id": "r1", "retirement_age": "",
             "display_name": "Siti Rahmawati"},
            {"employee_id": "e2", "birth_date": "1980-01-15", "gender": "l", "employment_status": "pns",
             "cpns_date": "2005-01-01", "home_region_id": "r2", "retirement_age": "58",
             "display_name": "Budi Santoso"},
            {"employee_id": "e3", "birth_date": "1995-09-09", "gender": "p", "employment_status": "pppk",
             "cpns_date": "2018-01-01", "home_region_id": "", "retirement_age": "",
             "display_name": ""},
        ],
        "exits": [],
        "assignments": [
            {"employee_id": "e1", "start_date": "2010-03-01", "position_id": "p1", "end_date": "", "move_type": "initial"},
            {"employee_id": "e1", "start_date": "2016-07-01", "position_id": "p2", "end_date": "", "move_type": "promosi"},
            {"employee_id": "e2", "start_date": "2005-01-01", "position_id": "p4", "end_date": "2015-06-30", "move_type": "initial"},
            {"employee_id": "e2", "start_date": "2015-07-01", "position_id": "p3", "end_date": "", "move_type": "mutasi"},
            {"employee_id": "e3", "start_date": "2018-01-01", "position_id": "p1", "end_date": "", "move_type": "initial"},
        ],
        "grades": [
            {"employee_id": "e1", "effective_date": "2010-03-01", "grade": "III/a"},
            {"employee_id": "e1", "effective_date": "2014-04-01", "grade": "III/b"},
            {"employee_id": "e2", "effective_date": "2005-01-01", "grade": "III/a"},
            {"employee_id": "e2", "effective_date": "2009-04-01", "grade": "III/b"},
            {"employee_id": "e2", "effective_date": "2013-04-01", "grade": "III/c"},
            {"employee_id": "e3", "effective_date": "2018-01-01", "grade": "II/c"},
        ],
        "education": [
            {"employee_id": "e1", "level": "s1", "field": "keuangan", "graduation_date": "2008-08-30"},
            {"employee_id": "e1", "level": "s2", "field": "keuangan", "graduation_date": "2017-02-01"},
            {"employee_id": "e2", "level": "s1", "field": "keuangan", "graduation_date": "2003-09-01"},
            {"employee_id": "e3", "level": "d3", "field": "kesehatan", "graduation_date": "2016-08-01"},
        ],
        "appraisals": _appraisals("e1", RATINGS_E1) + _appraisals("e2", RATINGS_E2) + _appraisals("e3", RATINGS_E3),
        "competency_assessments": [
            {"employee_id": "e1", "assessed_date": "2014-05-10", "competency_code": code, "level": lvl}
            for code, lvl in [("m.01", "3.0"), ("m.02", "2.5"), ("m.08", "2.0"), ("t.keuangan", "3.4")]
        ] + [
            {"employee_id": "e1", "assessed_date": "2018-05-10", "competency_code": "m.08", "level": "3.1"},
            {"employee_id": "e2", "assessed_date": "2014-02-01", "competency_code": "m.08", "level": "3.5"},
            {"employee_id": "e2", "assessed_date": "2014-02-01", "competency_code": "t.keuangan", "level": "3.0"},
        ],
        "trainings": [
            {"employee_id": "e1", "end_date": "2010-10-01", "training_code": "latsar", "hours": "300"},
            {"employee_id": "e1", "end_date": "2015-05-01", "training_code": "keu01", "hours": "40"},
            {"employee_id": "e1", "end_date": "2017-03-01", "training_code": "pkp", "hours": "200"},
            {"employee_id": "e2", "end_date": "2014-09-01", "training_code": "kes01", "hours": "60"},
        ],
        "training_catalog": [
            {"training_code": "latsar", "name": "Pelatihan Dasar CPNS", "category": "latsar", "domain": "",
             "competency_codes": "m.01;sk.01", "hours": "300"},
            {"training_code": "pkp", "name": "Pelatihan Kepemimpinan Pengawas", "category": "kepemimpinan", "domain": "",
             "competency_codes": "m.02;m.07;m.08", "hours": "200"},
            {"training_code": "keu01", "name": "Diklat Pengelolaan Keuangan Daerah", "category": "teknis",
             "domain": "keuangan", "competency_codes": "t.keuangan", "hours": "40"},
            {"training_code": "kes01", "name": "Pelatihan Manajemen Puskesmas", "category": "teknis",
             "domain": "kesehatan", "competency_codes": "t.kesehatan;m.05", "hours": "60"},
        ],
        "discipline": [
            {"employee_id": "e2", "start_date": "2012-03-01", "level": "ringan", "end_date": "2012-09-01"},
        ],
        "preferences": [
            {"employee_id": "e2", "stated_date": "2014-01-10", "preferred_domain": "kesehatan",
             "preferred_region_id": "r2", "willing_to_relocate": "true"},
        ],
        "status_periods": [
            {"employee_id": "e2", "start_date": "2013-06-01", "kind": "pemberhentian_sementara",
             "end_date": "2013-11-30"},
            {"employee_id": "e2", "start_date": "2019-09-02", "kind": "tugas_belajar", "end_date": "2021-08-31"},
            {"employee_id": "e2", "start_date": "2021-09-01", "kind": "ikatan_dinas", "end_date": "2026-08-31"},
        ],
    }
    columns = {  # an empty table still needs its header
        "exits": ["employee_id", "exit_date", "reason"],
    }
    return {name: pd.DataFrame(table, columns=columns.get(name), dtype="str") for name, table in rows.items()}


def write_tables(tables: dict[str, pd.DataFrame], directory: Path) -> Path:
    """Write tables as CSV files of a dataset directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(directory / f"{name}.csv", index=False)
    return directory
