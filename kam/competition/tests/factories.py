"""Test data for competition: competitors, evaluations and matrices through the services (so they are audited
like real ones), and M4.4's table (slide 56) as the seed prints it."""

from decimal import Decimal

from kam.buyingcenter.tests.factories import make_opportunity
from kam.competition import services

#: M4.4: criterion, weight, us, competitor A (foreign), competitor B (domestic)
M44 = [
    ("客户关系", "Customer relationship", Decimal("0.20"), 4, 4, 4),
    ("售后服务", "After-sales service", Decimal("0.15"), 5, 4, 4),
    ("行业标准", "Industry standard", Decimal("0.10"), 3, 4, 3),
    ("品牌", "Brand", Decimal("0.10"), 4, 5, 5),
    ("产品性能", "Product performance", Decimal("0.10"), 5, 5, 5),
    ("价格", "Price", Decimal("0.15"), 4, 3, 3),
    ("供货能力", "Supply capability", Decimal("0.05"), 5, 3, 4),
    ("快速解决方案", "Fast solution", Decimal("0.15"), 5, 3, 3),
]


def make_competitor(name, origin="", name_en="", **fields):
    return services.competitor_create(
        actor=None, data={"name": name, "name_en": name_en, "origin": origin, **fields}
    )


def m44_rows(evaluation, rows=M44):
    """The grid rows of M4.4 for `evaluation` (bidders: us, A, B in that order)."""
    us, a, b = [bidder.pk for bidder in evaluation.bidders.order_by("position")][:3]
    return [
        {"id": None, "name": name, "name_en": name_en, "weight": weight, "cells": {us: s_us, a: s_a, b: s_b}}
        for name, name_en, weight, s_us, s_a, s_b in rows
    ]


def make_m44(*, opportunity, actor, competitors=None, kind="combined"):
    """M4.4's evaluation on `opportunity`: us, foreign A and domestic B, the eight criteria scored."""
    competitors = competitors or [
        make_competitor("外资品牌A", "foreign"),
        make_competitor("国内品牌B", "domestic"),
    ]
    evaluation = services.evaluation_create(
        actor=actor, opportunity=opportunity, kind=kind, competitors=competitors
    )
    return services.evaluation_grid_save(evaluation=evaluation, actor=actor, rows=m44_rows(evaluation))


__all__ = ["M44", "make_competitor", "make_m44", "make_opportunity", "m44_rows"]
