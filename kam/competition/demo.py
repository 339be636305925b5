"""Competition part of the demo: the catalogue, M4.4's evaluation on HDJX's project 0203 (us 4.35, foreign
competitor A 3.85, domestic competitor B 3.80), and an M2.2 competitiveness matrix for SPD Bank with its
unique selling point. Written by the system, like the rest of the reference data. Idempotent.

M2.2's slide names the product lines, the three operators and the factors, but its strong…weak colours were
lost in the text dump: the matrix's ratings here are illustrative, chosen to fit SPD Bank's story (project
0202 moves its call-back centre from Netcom to us because Netcom's service is slow).
"""

from django.db import transaction

from kam.accounts.models import Account
from kam.competition import services
from kam.competition.models import Competitor, Evaluation, Matrix, SellingPoint
from kam.pipeline.models import Opportunity

#: (name, English name, origin, strengths, weaknesses)
COMPETITORS = [
    (
        "外资品牌A",
        "Foreign brand A",
        "foreign",
        "品牌与产品性能领先，符合国际标准 Leading brand and product performance; international standards",
        "价格高，供货周期长，本地服务慢 High price, long lead times, slow local service",
    ),
    (
        "国内品牌B",
        "Domestic brand B",
        "domestic",
        "价格有竞争力，供货较快 Competitive price, fairly quick supply",
        "行业标准与快速解决方案较弱 Weaker on industry standards and fast solutions",
    ),
    (
        "中国电信",
        "China Telecom",
        "domestic",
        "本地网络覆盖广，品牌强 Wide local coverage, strong brand",
        "价格偏高，服务响应一般 Higher prices, average response",
    ),
    (
        "中国网通",
        "China Netcom",
        "domestic",
        "长途电路与数据业务强 Strong long-distance circuits and data",
        "服务响应慢 Slow service response",
    ),
    (
        "中国移动",
        "China Mobile",
        "domestic",
        "品牌强，移动业务领先 Strong brand, leads in mobile",
        "固网电路覆盖弱 Weak fixed-line circuit coverage",
    ),
    (
        "X公司",
        "Company X",
        "",
        "现有人才测评软件供应商 The incumbent talent-assessment software vendor",
        "价格高，服务慢 High price, slow service",
    ),
]

#: M4.4 (slide 56): scores of us, competitor A (foreign) and competitor B (domestic) per template criterion.
M44_SCORES = {
    "us": [4, 5, 3, 4, 5, 4, 5, 5],
    "外资品牌A": [4, 4, 4, 5, 5, 3, 3, 3],
    "国内品牌B": [4, 4, 3, 5, 5, 3, 4, 3],
}

MATRIX_TITLE = "通信产品竞争力 Communication products (M2.2)"
MATRIX_COMPETITORS = ["中国电信", "中国网通", "中国移动"]
#: product line or factor → ratings of us, China Telecom, Netcom, Mobile (5 strong … 1 weak)
MATRIX_RATINGS = {
    "本地语音 Local voice": [4, 5, 3, 2],
    "长途语音 Long-distance voice": [4, 4, 4, 3],
    "本地2M电路 Local 2M circuit": [5, 4, 3, 1],
    "长途2M电路 Long-distance 2M circuit": [3, 4, 5, 1],
    "上网 Internet access": [5, 4, 3, 2],
    "coverage": [4, 5, 4, 3],
    "stability": [5, 4, 3, 3],
    "price": [4, 3, 3, 4],
    "brand": [3, 5, 4, 5],
    "service": [5, 3, 2, 3],
    "operations": [4, 4, 3, 4],
}
USP = {
    "need": "电话回访中心要求线路稳定、故障快速恢复 The call-back centre needs stable lines and fast fault recovery",
    "edge": "本地2M电路，4小时上门抢修，专属客户经理 Local 2M circuits, on-site repair within 4 hours, a dedicated "
    "account manager",
    "standing": "worse",
    "evidence": "网通目前服务响应慢，客户多次抱怨 Netcom responds slowly today; the customer has complained "
    "several times",
    "product_line": "本地2M电路 Local 2M circuit",
}


@transaction.atomic
def load_competition_demo() -> int:
    """Load what is missing; returns the number of evaluations and matrices created (0 when all is there)."""
    catalogue = {c.name: c for c in Competitor.objects.filter(name__in=[c[0] for c in COMPETITORS])}
    for name, name_en, origin, strengths, weaknesses in COMPETITORS:
        if name not in catalogue:
            catalogue[name] = services.competitor_create(
                actor=None,
                data={
                    "name": name,
                    "name_en": name_en,
                    "origin": origin,
                    "strengths": strengths,
                    "weaknesses": weaknesses,
                },
            )
    return _m44_evaluation(catalogue) + _m22_matrix(catalogue)


def _m44_evaluation(catalogue) -> int:
    opportunity = Opportunity.objects.select_related("account").filter(number="0203").first()
    if opportunity is None or Evaluation.objects.filter(opportunity=opportunity).exists():
        return 0
    evaluation = services.evaluation_create(
        actor=None,
        opportunity=opportunity,
        kind="combined",
        competitors=[catalogue["外资品牌A"], catalogue["国内品牌B"]],
        template="m44",
        note="初选产品阶段的评标预测 Our forecast of the evaluation team's scoring (M4.4)",
    )
    bidders = {
        b.competitor.name if b.competitor_id else "us": b.pk
        for b in evaluation.bidders.select_related("competitor")
    }
    rows = [
        {
            "id": criterion.pk,
            "name": criterion.name,
            "name_en": criterion.name_en,
            "weight": criterion.weight,
            "cells": {bidders[who]: scores[index] for who, scores in M44_SCORES.items()},
        }
        for index, criterion in enumerate(evaluation.criteria.order_by("position"))
    ]
    services.evaluation_grid_save(evaluation=evaluation, actor=None, rows=rows)
    return 1


def _m22_matrix(catalogue) -> int:
    account = Account.objects.filter(code="110").first()
    if account is None or Matrix.objects.filter(account=account).exists():
        return 0
    lines = [name for name in MATRIX_RATINGS if " " in name]
    matrix = services.matrix_create(
        actor=None,
        account=account,
        title=MATRIX_TITLE,
        competitors=[catalogue[name] for name in MATRIX_COMPETITORS],
        product_lines=lines,
        note="竞争因素：网络覆盖率、稳定性、价位、品牌、服务质量、运营管理 Factors: coverage, stability, price, "
        "brand, service quality, operations management",
    )
    columns = [c.pk for c in matrix.columns.order_by("position")]
    rows = [
        {
            "id": row.pk,
            "name": row.name,
            "cells": dict(zip(columns, MATRIX_RATINGS[row.factor or row.name], strict=True)),
        }
        for row in matrix.rows.order_by("position")
    ]
    services.matrix_grid_save(matrix=matrix, actor=None, rows=rows)
    if not SellingPoint.objects.filter(account=account).exists():
        services.selling_point_create(
            actor=None, account=account, data=USP, competitors=[catalogue["中国网通"]]
        )
    return 1
