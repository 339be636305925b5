"""The method's vocabulary for competition: where a competitor comes from, the two bids of a tender and their
criteria templates (M4.4), the strong…weak scale and the competitive factors of the competitiveness matrix
(M2.2), and how competitors fall short of a unique selling point (M2.2, slide 22)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    """M4.4 names its rivals by origin: competitor A is foreign, competitor B domestic."""

    FOREIGN = "foreign", _("Foreign")
    DOMESTIC = "domestic", _("Domestic")
    JOINT_VENTURE = "joint_venture", _("Joint venture")


class BidKind(models.TextChoices):
    """What an evaluation weighs: the technical bid (技术标), the commercial bid (商务标), or both at once
    as in M4.4's example."""

    TECHNICAL = "technical", _("Technical bid")
    COMMERCIAL = "commercial", _("Commercial bid")
    COMBINED = "combined", _("Technical and commercial bid")


class Rating(models.IntegerChoices):
    """A cell of the competitiveness matrix (M2.2, slide 23): from strong (5) to weak (1)."""

    STRONG = 5, _("5 Strong")
    FAIRLY_STRONG = 4, _("4 Fairly strong")
    EVEN = 3, _("3 Even")
    FAIRLY_WEAK = 2, _("2 Fairly weak")
    WEAK = 1, _("1 Weak")


class Factor(models.TextChoices):
    """The competitive factors of M2.2's matrix: what makes a competitor strong or weak with this customer."""

    COVERAGE = "coverage", _("Coverage")
    STABILITY = "stability", _("Stability")
    PRICE = "price", _("Price")
    BRAND = "brand", _("Brand")
    SERVICE = "service", _("Service quality")
    OPERATIONS = "operations", _("Operations management")


class Standing(models.TextChoices):
    """The second condition of a competitive advantage (M2.2): competitors cannot do it, or do it worse."""

    CANNOT = "cannot", _("Competitors cannot do it")
    WORSE = "worse", _("Competitors do it worse")


#: Criteria templates for a new evaluation: key → (label, bid kind, [(Chinese, English, weight)]). Each
#: template's weights total 1. "m44" is the seed's table (slide 56) as printed; the technical and commercial
#: templates split its criteria by bid, with round weights to start from — the seller sets the customer's.
TEMPLATES = {
    "m44": (
        _("M4.4: technical and commercial bid (slide 56)"),
        BidKind.COMBINED,
        [
            ("客户关系", "Customer relationship", Decimal("0.20")),
            ("售后服务", "After-sales service", Decimal("0.15")),
            ("行业标准", "Industry standard", Decimal("0.10")),
            ("品牌", "Brand", Decimal("0.10")),
            ("产品性能", "Product performance", Decimal("0.10")),
            ("价格", "Price", Decimal("0.15")),
            ("供货能力", "Supply capability", Decimal("0.05")),
            ("快速解决方案", "Fast solution", Decimal("0.15")),
        ],
    ),
    "technical": (
        _("Technical bid"),
        BidKind.TECHNICAL,
        [
            ("产品性能", "Product performance", Decimal("0.30")),
            ("行业标准", "Industry standard", Decimal("0.20")),
            ("快速解决方案", "Fast solution", Decimal("0.20")),
            ("供货能力", "Supply capability", Decimal("0.15")),
            ("售后服务", "After-sales service", Decimal("0.15")),
        ],
    ),
    "commercial": (
        _("Commercial bid"),
        BidKind.COMMERCIAL,
        [
            ("价格", "Price", Decimal("0.35")),
            ("客户关系", "Customer relationship", Decimal("0.20")),
            ("品牌", "Brand", Decimal("0.15")),
            ("售后服务", "After-sales service", Decimal("0.15")),
            ("付款条件", "Payment terms", Decimal("0.15")),
        ],
    ),
}

#: Scores run from 1 (poor) to 5 (excellent), as in M4.4.
SCORE_MIN, SCORE_MAX = 1, 5
