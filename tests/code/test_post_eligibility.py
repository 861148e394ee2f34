"""The fast per-post eligibility a round plan uses decides exactly as the reason-coded
pool of one vacancy (contract section 4), rule settings included."""

import numpy as np
import pytest

from features import columns as c
from features.candidates import candidate_pool
from features.eligibility import EligibilityRules, PostEligibility, employee_reasons
from features.vocab import STATUS_KINDS
from serving.context import ServingContext

pytestmark = pytest.mark.code


@pytest.mark.parametrize("rules", [EligibilityRules(), EligibilityRules(check_grade=False, min_tenure_years=1.0),
                                   EligibilityRules(check_education=False, min_recent_score=None),
                                   EligibilityRules(check_required_fields=True, excluded_status_kinds=STATUS_KINDS)])
def test_fast_eligibility_equals_the_reason_coded_pool(province, rules):
    context = ServingContext.from_dataset(province)
    view = context.snapshot_columns(context.default_as_of)
    masks = employee_reasons(view, rules)
    ids = province.positions[c.POSITION_ID].to_numpy(dtype=object)[::7][:60]
    fast = list(PostEligibility(view, masks, rules).rows(context.positions, ids))
    sizes = []
    for pid, rows in zip(ids.tolist(), fast):
        pool = candidate_pool(view, context.positions, pid, rules, employee_masks=masks)
        np.testing.assert_array_equal(rows, np.flatnonzero(pool.reasons == ""))
        sizes.append(len(rows))
    assert min(sizes) < max(sizes)          # the posts differ: the comparison is not vacuous
