"""An ad-hoc vacancy may name the education fields it needs (``positions.required_fields``
of the contract): checked like every vacancy field, and the rule ``required_fields``
applies to it as to a post of the data."""

import numpy as np
import pandas as pd
import pytest

from features import snapshot as s
from features.eligibility import EDUCATION_FIELD_MISMATCH, EligibilityRules, position_reasons
from features.io import dataset_from_tables
from features.pairs import PositionTable
from serving.errors import RankingError
from serving.ranking import Vacancy

from tiny_dataset import tiny_tables

pytestmark = pytest.mark.code


def vacancy(**fields) -> Vacancy:
    base = dict(position_id="adhoc-1", unit_id="u1", position_type="pelaksana", domain="hukum",
                job_class=7, standards={"t.hukum": 3})
    return Vacancy(**(base | fields))


def test_required_fields_are_normalised_and_checked():
    assert vacancy(required_fields=" hukum ; keuangan ").required_fields == "hukum;keuangan"
    assert vacancy(required_fields="").required_fields is None
    with pytest.raises(RankingError) as bad:
        vacancy(required_fields="hukum;Ilmu Hukum!")
    assert bad.value.field == "vacancy.required_fields"
    with pytest.raises(RankingError):
        vacancy(required_fields=";".join(f"f{k}" for k in range(11)))


def test_the_rule_applies_to_an_ad_hoc_vacancy():
    """PermenPANRB 38/2017 (standar kompetensi jabatan: kualifikasi pendidikan): a post that
    names fields takes only someone with a degree in one of them."""
    dataset = dataset_from_tables(tiny_tables())
    v = vacancy(required_fields="hukum")
    positions = PositionTable.from_dataset(dataset).with_vacancy(
        v.position_id, "r1", v.position_type, v.domain, v.job_class, v.min_grade, v.min_education,
        v.standards, required_fields=v.required_fields)
    snap = pd.DataFrame({s.CURRENT_POSITION_ID: ["p1", "p1", "p1"], s.GRADE_RANK: [12.0] * 3,
                         s.EDUCATION_RANK: [7.0] * 3, s.EDUCATION_FIELDS: ["hukum;keuangan", "keuangan", None]})
    ids = np.full(3, v.position_id, dtype=object)
    on = position_reasons(snap, positions, ids, EligibilityRules(check_required_fields=True))
    assert on[EDUCATION_FIELD_MISMATCH].tolist() == [False, True, True]
    off = position_reasons(snap, positions, ids, EligibilityRules())
    assert EDUCATION_FIELD_MISMATCH not in off
