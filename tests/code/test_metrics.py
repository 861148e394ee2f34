"""Evaluation metrics on tiny cases worked out by hand (the arithmetic is in the comments),
and the ranges they live in."""

import itertools
import math

import numpy as np
import pytest

from training import metrics as m

pytestmark = pytest.mark.code

LOG2_3 = math.log2(3)      # the discount of position 2 is 1 / log2(3); of position 1, 1 / log2(2) = 1


def test_ndcg_at_2_of_a_three_item_list():
    # items a, b, c with relevance 3, 2, 1; the scores put c first, then a, then b
    relevance, score = np.array([3.0, 2.0, 1.0]), np.array([2.0, 1.0, 3.0])
    # DCG@2 = 1/1 + 3/log2(3) = 2.8928; ideal (a, b): 3/1 + 2/log2(3) = 4.2619; NDCG@2 = 0.6788
    expected = (1 + 3 / LOG2_3) / (3 + 2 / LOG2_3)
    assert m.ndcg_at_k(relevance, score, k=2) == pytest.approx(expected)
    assert expected == pytest.approx(0.6788, abs=1e-4)


def test_ndcg_edges():
    relevance = np.array([3.0, 2.0, 1.0])
    assert m.ndcg_at_k(relevance, relevance, k=2) == pytest.approx(1.0)            # the ideal order
    # k beyond the list is the whole list: reversed order c, b, a
    # DCG@3 = 1 + 2/log2(3) + 3/2 = 3.7619; IDCG@3 = 3 + 2/log2(3) + 1/2 = 4.7619
    assert m.ndcg_at_k(relevance, -relevance, k=10) == pytest.approx((2.5 + 2 / LOG2_3) / (3.5 + 2 / LOG2_3))
    # equal scores keep the given order (stable): a, b first, the ideal
    assert m.ndcg_at_k(relevance, np.zeros(3), k=2) == pytest.approx(1.0)
    assert math.isnan(m.ndcg_at_k(np.zeros(3), np.arange(3.0), k=2))                 # no gain to find


def test_random_ndcg_is_the_mean_over_every_order():
    relevance = np.array([3.0, 1.0, 0.0])
    # a random order puts the mean relevance 4/3 at each position:
    # (4/3) * (1 + 1/log2(3)) / (3 + 1/log2(3)) = 2.1746 / 3.6309 = 0.5989
    expected = (4 / 3) * (1 + 1 / LOG2_3) / (3 + 1 / LOG2_3)
    assert m.random_ndcg_at_k(relevance, k=2) == pytest.approx(expected)
    assert expected == pytest.approx(0.5989, abs=1e-4)
    every_order = [m.ndcg_at_k(relevance, -np.array(order, dtype=float), k=2)
                   for order in itertools.permutations(range(3))]
    assert np.mean(every_order) == pytest.approx(expected)
    assert min(every_order) <= expected <= max(every_order) <= 1.0


def test_grouped_ndcg_skips_small_and_flat_groups():
    groups = np.array(["g1"] * 3 + ["flat"] * 2 + ["single"] + ["g4"] * 2)
    relevance = np.array([3.0, 2.0, 1.0, 1.0, 1.0, 5.0, 2.0, 0.0])
    score = np.array([2.0, 1.0, 3.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    model, rand, n = m.grouped_ndcg(groups, relevance, score, k=2)
    assert n == 2                                       # "flat" has one relevance, "single" one row
    # g1 as above: 0.6788 (random 0.7654); g4 puts the 0 first: (0 + 2/log2(3)) / 2 = 0.6309,
    # random: mean 1 at both positions, (1 + 1/log2(3)) / 2 = 0.8155
    g1, g4 = (1 + 3 / LOG2_3) / (3 + 2 / LOG2_3), (2 / LOG2_3) / 2
    g1_random, g4_random = 2 * (1 + 1 / LOG2_3) / (3 + 2 / LOG2_3), (1 + 1 / LOG2_3) / 2
    assert model == pytest.approx((g1 + g4) / 2) and rand == pytest.approx((g1_random + g4_random) / 2)
    assert m.grouped_ndcg(np.array(["a"]), np.array([1.0]), np.array([0.0]))[2] == 0


def test_gap_share():
    # share of the oracle-over-random gap: (model - random) / (1 - random)
    assert m.gap_share(0.8, 0.6) == pytest.approx(0.5)          # (0.8 - 0.6) / (1 - 0.6)
    assert m.gap_share(1.0, 0.6) == pytest.approx(1.0)          # the oracle
    assert m.gap_share(0.6, 0.6) == pytest.approx(0.0)          # no better than random
    assert m.gap_share(0.5, 0.6) == pytest.approx(-0.25)        # worse than random: negative, unbounded below


def test_expected_calibration_error():
    y, p = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.2, 0.4, 0.6, 0.8])
    # ten bins, one prediction each: (|0 - .2| + |1 - .4| + |0 - .6| + |1 - .8|) / 4 = 1.6 / 4 = 0.4
    assert m.expected_calibration_error(y, p, bins=10) == pytest.approx(0.4)
    # two bins: [.2, .4] predicts .3, observes .5; [.6, .8] predicts .7, observes .5: 0.5*.2 + 0.5*.2 = 0.2
    assert m.expected_calibration_error(y, p, bins=2) == pytest.approx(0.2)
    assert m.expected_calibration_error(np.array([0.0, 1.0]), np.array([0.5, 0.5])) == pytest.approx(0.0)
    # bins weigh by their size: three rows predict .1 and observe 1/3, one predicts .9 and observes 1:
    # 3/4 * |1/3 - .1| + 1/4 * |1 - .9| = 0.175 + 0.025 = 0.2
    y, p = np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.1, 0.1, 0.1, 0.9])
    assert m.expected_calibration_error(y, p) == pytest.approx(0.2)
    # a prediction of exactly 1 falls in the last bin; the worst case is 1
    assert m.expected_calibration_error(np.array([0.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(1.0)


def test_calibration_table_counts_per_bin():
    table = m.calibration_table(np.array([0.0, 1.0, 1.0]), np.array([0.05, 0.95, 1.0]), bins=10)
    assert table["bin"].tolist() == [0, 9] and table["count"].tolist() == [1, 2]
    assert table["predicted"].tolist() == pytest.approx([0.05, 0.975]) and table["observed"].tolist() == [0.0, 1.0]


def test_spearman():
    # ranks of b: 1, 2, 4, 3; d = 0, 0, -1, 1; rho = 1 - 6 * 2 / (4 * (16 - 1)) = 0.8 (ranks, not values)
    assert m.spearman([1, 2, 3, 4], [1, 2, 100, 50]) == pytest.approx(0.8)
    assert m.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)           # range [-1, 1]
    assert math.isnan(m.spearman([1, 2], [1, 2]))                                   # fewer than 3
    assert math.isnan(m.spearman([1, 2, 3], [5, 5, 5]))                             # constant: undefined


def test_brier_mae_and_auc():
    # ((0 - .2)^2 + (1 - .6)^2) / 2 = (.04 + .16) / 2 = 0.1
    assert m.brier(np.array([0, 1]), np.array([0.2, 0.6])) == pytest.approx(0.1)
    # predictions outside [0, 1] are clipped first: a perfect 0 (range [0, 1])
    assert m.brier(np.array([0, 1]), np.array([-0.5, 1.5])) == pytest.approx(0.0)
    assert m.brier(np.array([0, 1]), np.array([1.0, 0.0])) == pytest.approx(1.0)
    assert m.mae(np.array([1.0, 3.0]), np.array([2.0, 1.0])) == pytest.approx(1.5)  # (1 + 2) / 2
    # pairs (positive, negative): (.6 > .2) yes, (.6 > .7) no, (.9 > both) yes yes: 3 of 4
    assert m.roc_auc(np.array([0, 1, 0, 1]), np.array([0.2, 0.6, 0.7, 0.9])) == pytest.approx(0.75)
    assert math.isnan(m.roc_auc(np.array([1, 1]), np.array([0.2, 0.6])))            # one class: undefined
