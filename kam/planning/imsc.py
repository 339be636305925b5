"""The seed's IMSC industry attractiveness matrix (METHODOLOGY M2.1, slide 17) as data: shared by the demo and
the tests so both use the table exactly as the seed prints it.

Scores are written without their sign; the two negative criteria (competition, implementation difficulty)
carry direction −1. The last row is the total as printed — Telecom's 46 is a misprint of 44.
"""

from decimal import Decimal

#: (code of the industry in the demo, printed total), in the seed's column order.
INDUSTRIES = [
    ("government", Decimal(42)),
    ("telecom", Decimal(46)),
    ("education", Decimal(32)),
    ("finance", Decimal(28)),
    ("retail", Decimal(28)),
    ("energy", Decimal(24)),
    ("logistics", Decimal(22)),
    ("healthcare", Decimal(16)),
    ("transport", Decimal(24)),
]

#: (name, English name, direction, scores in the order of INDUSTRIES)
CRITERIA = [
    ("市场容量", "Market size", 1, [9, 9, 9, 9, 3, 7, 3, 3, 7]),
    ("增长速度", "Growth", 1, [7, 7, 5, 3, 9, 7, 7, 9, 7]),
    ("客户认知度", "Customer awareness", 1, [7, 9, 5, 9, 7, 3, 7, 3, 5]),
    ("竞争程度", "Competition", -1, [3, 5, 5, 9, 3, 5, 7, 3, 3]),
    ("实施难易程度", "Implementation difficulty", -1, [3, 1, 3, 7, 3, 5, 3, 3, 3]),
    ("资金与信用", "Capital and credit", 1, [9, 9, 7, 9, 5, 5, 5, 5, 3]),
    ("客户关系", "Customer relationship", 1, [7, 9, 5, 7, 7, 3, 7, 1, 5]),
    ("政策支持", "Policy support", 1, [9, 7, 9, 7, 3, 9, 3, 1, 3]),
]

#: Slide 18's decisions where they differ from the suggestion of the default rule (key ≥ 100 % of the
#: average, potential ≥ 80 %): the score proposes, a person decides.
DECISIONS = {
    "logistics": (
        "potential",
        "物流信息化起步快，客户关系好 Logistics IT is taking off and we know the customers",
    ),
    "energy": ("watch", "政策支持强但客户认知度低，先观察 Strong policy support, low awareness: watch first"),
    "transport": ("watch", "资金与信用偏弱，先观察 Weak capital and credit: watch first"),
}
