"""The method's arithmetic (M5.2–M5.4) with exact values and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.service import grid, loyalty, wallet
from kam.service.choices import Stage

money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rating = st.integers(min_value=1, max_value=5)
fraction = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=3))


class TestShareOfWallet:
    def test_exact(self):
        share = wallet.share_of_wallet(Decimal("450000"), Decimal("1000000"))
        assert share == wallet.WalletShare(Decimal("45.0"), Decimal("45.0"), warning=False)

    def test_rounds_to_a_tenth(self):
        assert wallet.share_of_wallet(Decimal("1"), Decimal("3")).percent == Decimal("33.3")

    def test_above_the_estimate_is_clamped_with_a_warning(self):
        share = wallet.share_of_wallet(Decimal("1200000"), Decimal("1000000"))
        assert (share.percent, share.raw_percent, share.warning) == (Decimal("100.0"), Decimal("120.0"), True)

    def test_exactly_full_is_no_warning(self):
        share = wallet.share_of_wallet(Decimal("5"), Decimal("5"))
        assert (share.percent, share.warning) == (Decimal("100.0"), False)

    def test_negative_revenue_is_zero(self):
        assert wallet.share_of_wallet(Decimal("-10"), Decimal("100")).percent == Decimal("0.0")

    @pytest.mark.parametrize("spend", [None, Decimal(0), Decimal(-5)])
    def test_no_estimate_no_share(self, spend):
        assert wallet.share_of_wallet(Decimal("10"), spend) == wallet.WalletShare(None, None)

    @given(money, st.decimals(min_value="0.01", max_value=10**9, places=2))
    def test_always_within_0_and_100_and_warns_only_above(self, revenue, spend):
        share = wallet.share_of_wallet(revenue, spend)
        assert Decimal(0) <= share.percent <= Decimal(100)
        assert share.warning == (share.raw_percent > 100)


class TestStageSuggestion:
    @pytest.mark.parametrize(
        ("percent", "stage"),
        [
            ("0", Stage.INITIAL),
            ("29.9", Stage.INITIAL),
            ("30", Stage.MID),
            ("49.9", Stage.MID),
            ("50", Stage.HIGH),
            ("99.9", Stage.HIGH),
            ("100", Stage.STRATEGIC),
        ],
    )
    def test_wallet_bands(self, percent, stage):
        assert wallet.stage_from_wallet(Decimal(percent), has_revenue=True) == stage

    def test_nothing_bought_is_gestation(self):
        assert wallet.stage_from_wallet(Decimal(0), has_revenue=False) == Stage.GESTATION

    @pytest.mark.parametrize(
        ("beyond", "stage"),
        [
            (0, Stage.GESTATION),
            (1, Stage.INITIAL),
            (2, Stage.INITIAL),
            (3, Stage.MID),
            (6, Stage.HIGH),
            (10, Stage.STRATEGIC),
        ],
    )
    def test_pattern(self, beyond, stage):
        assert wallet.stage_from_pattern(beyond) == stage

    def test_bow_tie_is_one_pair(self):
        assert wallet.pairs_beyond_bow_tie({(1, 1)}) == 0
        assert wallet.pairs_beyond_bow_tie({(1, 1), (1, 2), (2, 3)}) == 2
        assert wallet.pairs_beyond_bow_tie(set()) == 0

    def test_the_lower_of_wallet_and_pattern(self):
        suggestion = wallet.suggest_stage(
            percent=Decimal("60"), has_revenue=True, had_revenue_before=True, beyond=3
        )
        assert (suggestion.stage, suggestion.from_wallet, suggestion.from_pattern) == (
            Stage.MID,
            Stage.HIGH,
            Stage.MID,
        )

    def test_pattern_alone_without_an_estimate(self):
        suggestion = wallet.suggest_stage(percent=None, has_revenue=True, had_revenue_before=False, beyond=6)
        assert suggestion.stage == Stage.HIGH

    def test_stopped_buying_is_interrupted(self):
        suggestion = wallet.suggest_stage(
            percent=Decimal("0"), has_revenue=False, had_revenue_before=True, beyond=8
        )
        assert suggestion.stage == Stage.INTERRUPTED

    def test_pattern_gap(self):
        assert wallet.pattern_gap(Stage.HIGH, 4) == 2
        assert wallet.pattern_gap(Stage.MID, 5) == 0
        assert wallet.pattern_gap(None, 0) == 0


class TestGrid:
    def test_place_and_name(self):
        cell = grid.place(3, "c")
        assert (cell.name, cell.height, cell.strength) == ("3C", 3, 6)

    @pytest.mark.parametrize(("depth", "level"), [(0, "A"), (6, "A"), (3, "F"), (3, "")])
    def test_outside_the_grid(self, depth, level):
        with pytest.raises(ValueError):
            grid.place(depth, level)

    def test_heatmap_rows_a_to_e(self):
        counts = grid.heatmap(
            [grid.place(1, "E"), grid.place(1, "E"), grid.place(5, "A"), grid.place(3, "C")]
        )
        assert counts == [
            [0, 0, 0, 0, 1],
            [0, 0, 0, 0, 0],
            [0, 0, 1, 0, 0],
            [0, 0, 0, 0, 0],
            [2, 0, 0, 0, 0],
        ]

    def test_movement(self):
        assert grid.movement(None, grid.place(2, "D")) == 0
        assert grid.movement(grid.place(2, "D"), grid.place(3, "D")) == 1
        assert grid.movement(grid.place(3, "C"), grid.place(2, "D")) == -1
        assert grid.movement(grid.place(3, "D"), grid.place(2, "C")) == 0

    @given(st.integers(1, 5), st.sampled_from(grid.LEVELS))
    def test_every_cell_is_counted_once(self, depth, level):
        assert sum(map(sum, grid.heatmap([grid.place(depth, level)]))) == 1


class TestLoyalty:
    def test_exact_with_explanation(self):
        result = loyalty.loyalty_index(
            retention=Decimal("0.8"),
            share_of_wallet=Decimal("0.45"),
            referrals=2,
            competitor_availability=3,
            competitor_attractiveness=4,
        )
        points = {f.key: f.points for f in result.factors}
        assert points == {
            "retention": Decimal("28.0"),
            "share_of_wallet": Decimal("15.8"),
            "referrals": Decimal("20.0"),
            "competitor_availability": Decimal("-7.5"),
            "competitor_attractiveness": Decimal("-11.3"),
        }
        assert result.score == Decimal("45.0")
        assert result.band == "neutral"
        assert [f.value for f in result.factors] == ["80%", "45%", "2", "3/5", "4/5"]

    def test_best_case_is_100(self):
        result = loyalty.loyalty_index(
            retention=Decimal(1),
            share_of_wallet=Decimal(1),
            referrals=5,
            competitor_availability=1,
            competitor_attractiveness=1,
        )
        assert (result.score, result.band) == (Decimal("100.0"), "loyal")

    def test_worst_case_is_clamped_to_0(self):
        result = loyalty.loyalty_index(
            retention=None,
            share_of_wallet=None,
            referrals=0,
            competitor_availability=5,
            competitor_attractiveness=5,
        )
        assert (result.score, result.band) == (Decimal("0.0"), "at_risk")
        assert [f.known for f in result.factors] == [False, False, True, True, True]

    def test_unrated_competitors_count_as_middling(self):
        result = loyalty.loyalty_index(
            retention=Decimal(1), share_of_wallet=Decimal(1), referrals=3,
            competitor_availability=None, competitor_attractiveness=None,
        )  # fmt: skip
        assert result.score == Decimal("85.0")

    def test_rating_outside_1_to_5(self):
        with pytest.raises(ValueError):
            loyalty.loyalty_index(
                retention=None,
                share_of_wallet=None,
                referrals=0,
                competitor_availability=6,
                competitor_attractiveness=1,
            )

    def test_retention(self):
        assert loyalty.retention(Decimal(80), Decimal(100)) == Decimal("0.8")
        assert loyalty.retention(Decimal(150), Decimal(100)) == Decimal(1)
        assert loyalty.retention(Decimal(-5), Decimal(100)) == Decimal(0)
        assert loyalty.retention(Decimal(10), Decimal(0)) is None

    @given(fraction, fraction, st.integers(0, 10), rating, rating, rating)
    def test_more_competitor_attractiveness_never_raises_loyalty(self, ret, share, refs, avail, low, high):
        low, high = min(low, high), max(low, high)
        common = {
            "retention": ret,
            "share_of_wallet": share,
            "referrals": refs,
            "competitor_availability": avail,
        }
        less = loyalty.loyalty_index(**common, competitor_attractiveness=low)
        more = loyalty.loyalty_index(**common, competitor_attractiveness=high)
        assert more.score <= less.score

    @given(fraction, fraction, st.integers(0, 10), rating, rating, rating)
    def test_more_competitor_availability_never_raises_loyalty(self, ret, share, refs, attr, low, high):
        low, high = min(low, high), max(low, high)
        common = {
            "retention": ret,
            "share_of_wallet": share,
            "referrals": refs,
            "competitor_attractiveness": attr,
        }
        assert (
            loyalty.loyalty_index(**common, competitor_availability=high).score
            <= loyalty.loyalty_index(**common, competitor_availability=low).score
        )

    @given(fraction, fraction, st.integers(0, 10), rating, rating)
    def test_score_within_0_and_100(self, ret, share, refs, avail, attr):
        score = loyalty.loyalty_index(
            retention=ret, share_of_wallet=share, referrals=refs,
            competitor_availability=avail, competitor_attractiveness=attr,
        ).score  # fmt: skip
        assert Decimal(0) <= score <= Decimal(100)


class TestFiveSteps:
    def evidence(self, **changes):
        base = {
            "has_revenue": True,
            "trusted_contacts": 2,
            "share_percent": Decimal("35"),
            "joint_projects": 0,
            "loyalty_score": Decimal("72"),
            "strategic_contacts": 0,
            "stage": "mid",
        }
        return loyalty.StepEvidence(**{**base, **changes})

    def test_climbs_to_loyalty(self):
        assert loyalty.five_steps(self.evidence()) == [
            ("preference", True),
            ("trust", True),
            ("value", True),
            ("loyalty", True),
            ("strategy", False),
        ]

    def test_a_missing_step_stops_the_climb(self):
        steps = loyalty.five_steps(self.evidence(trusted_contacts=0, stage="strategic"))
        assert [ok for _key, ok in steps] == [True, False, False, False, False]

    def test_joint_development_is_value_without_share(self):
        steps = dict(loyalty.five_steps(self.evidence(share_percent=None, joint_projects=1)))
        assert steps["value"] is True
