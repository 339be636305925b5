"""The default sales process (M3.2) aligned with the customer's procurement steps (M3.1), the internal
lead roles (M3.5), the exit criteria (M3.3 for G–D; editable defaults for C–A) and the sales aids (M3.4).
"""

from decimal import Decimal

#: (code, probability %, stage zh, stage en, milestone, procurement step (M3.1), customer role, our lead role)
STAGES = [
    ("G", 10, "客户规划、电话邀约", "Customer planning & phone appointment", "有兴趣 Interest",
     "1 发现问题，使用部门提出需求 Problem found; the using department raises the need", "使用部门 Using department",
     "account_manager"),
    ("F", 20, "上门拜访、初步调研", "On-site visit, first research", "找对经手人士 The right handler found",
     "2 项目可行性研究，确定预算 Feasibility study; budget set", "高层领导 Senior leadership", "account_manager"),
    ("E", 25, "提交初步方案", "Initial proposal submitted", "",
     "3 项目立项，组建项目采购小组 Project approved; procurement team formed", "技术部门 Technical department",
     "account_manager"),
    ("D", 30, "技术交流、方案演示", "Technical exchange / solution demo", "实力展示 Strength shown",
     "4 建立项目采购的技术标准 Technical standards set", "评估小组 Evaluation team", "presales"),
    ("C", 50, "需求调研与方案确认", "Needs research & solution confirmed", "方案确认 Solution confirmed",
     "5 对外进行招标，初步技术筛选 Tender issued; first technical screening", "采购部门 Purchasing department",
     "presales"),
    ("B", 75, "项目评估", "Project evaluation", "内部承诺 Internal commitment",
     "6 项目评标，确立首选供应商 Bids evaluated; preferred supplier chosen", "商务部门 Commercial department",
     "senior_management"),
    ("A", 90, "商务谈判", "Commercial negotiation", "",
     "7 合同审核，商务谈判，增加附件 Contract review; negotiation; annexes", "高层领导 Senior leadership",
     "commercial"),
    ("S", 100, "签约成交、移交实施", "Signed; handed over to delivery", "签约 Signed",
     "8 签定协议，确保实施 Agreement signed; implementation assured", "采购小组 Procurement team",
     "senior_management"),
]  # fmt: skip

#: Exit criteria per stage: M3.3 for G, F, E, D; sensible defaults for C, B, A (editable).
CRITERIA = {
    "G": [("客户符合目标客户标准", "The customer meets the target-customer criteria"),
          ("联系人至少是经手人士", "The contact is at least a handler"),
          ("与经手人确认了拜访时间和地点", "Time and place confirmed with the handler")],
    "F": [("找到了正确的、合格的经手人", "The right, qualified handler found"),
          ("介绍了公司的技术实力", "The company's technical strengths presented"),
          ("与经手人建立并发展了关系", "Relationship with the handler built and developing")],
    "E": [("至少对经手人所在部门做了针对性访谈", "Targeted interviews with at least the handler's department"),
          ("经沟通，至少该部门经手人对方案满意", "At least that department's handler is satisfied with the proposal"),
          ("与经手人关系加深（内线），并扩展到其他人", "Relationship deepened (an inside ally) and widened to others")],
    "D": [("清楚客户参与的角色、部门及其关注点（尤其项目负责人）",
           "The customer's roles, departments and concerns are clear (especially the project lead)"),
          ("售前工程师与销售顾问在交流中创造需求对话", "Presales and sales consultants create needs dialogue"),
          ("通过对售前工程师的反馈了解客户对演示的看法", "Feedback shows what the customer thinks of the demo")],
    "C": [("需求调研完成并经使用部门确认", "Needs survey done and confirmed by the using department"),
          ("技术买家确认了方案", "The technical buyer has confirmed the solution"),
          ("预算和决策流程已确认", "Budget and decision process confirmed")],
    "B": [("了解客户的评估标准和权重", "The customer's evaluation criteria and weights are known"),
          ("我方评分不低于最强竞争对手", "Our evaluation score is at least that of the strongest competitor"),
          ("高层批准价格和资源（内部承诺）", "Senior management approved price and resources (internal commitment)")],
    "A": [("价格、付款、交付等商务条款原则上达成一致", "Commercial terms agreed in principle (price, payment, delivery)"),
          ("双方法务审核了合同草案", "The contract draft reviewed by both legal teams"),
          ("经济买家确认了决定", "The economic buyer has confirmed the decision")],
}  # fmt: skip

#: Sales aids per stage (M3.4): (source, zh, en).
AIDS = {
    "G": [("company", "电话话术/DM", "Phone scripts / DM"), ("company", "公司介绍", "Company introduction"),
          ("consultant", "客户基本信息表", "Customer basic-information sheet")],
    "F": [("company", "产品手册", "Product brochures"), ("company", "成功案例", "Success cases"),
          ("consultant", "营销活动表", "Marketing-activity sheet"),
          ("consultant", "关系评估图", "Relationship assessment chart")],
    "E": [("consultant", "定制化初步方案", "Customised initial proposal"), ("company", "标准模板", "Standard templates"),
          ("consultant", "客户问卷", "Customer questionnaire"), ("presales", "初步方案模块设计", "Initial-proposal module design")],
    "D": [("company", "技术介绍", "Technical presentation"), ("company", "简报", "Briefing deck"),
          ("consultant", "售前交接单", "Presales hand-off sheet"), ("consultant", "会议纪要", "Meeting minutes"),
          ("presales", "技术交流支持分析", "Technical-exchange support analysis")],
    "C": [("consultant", "需求调查", "Needs survey"), ("presales", "方案设计备忘录", "Solution-design memo"),
          ("consultant", "关键决策人档案", "Key-decision-maker profile"), ("consultant", "邁凱66 (Mackay 66)", "Mackay 66")],
    "B": [("consultant", "项目评估表", "Project evaluation sheet"),
          ("consultant", "竞争优势分析", "Competitor-advantage analysis"),
          ("consultant", "影响因素分析", "Influence-factor analysis")],
    "A": [("company", "合同模块", "Contract module"), ("company", "协议附件", "Agreement annexes")],
    "S": [("company", "协议", "Agreement"), ("consultant", "项目总结", "Project summary"),
          ("consultant", "客户服务异常报告", "Customer-service exception report")],
}  # fmt: skip


#: The template's process (migration 0002 creates it; 0006 gives it its English name).
DEFAULT_PROCESS_NAME = "项目性销售流程 (默认)"
DEFAULT_PROCESS_NAME_EN = "Project sales process (default)"


def create_default_process(*, SalesProcess, Stage, StageCriterion, SalesAid, name=DEFAULT_PROCESS_NAME):
    """Create the default template with the given model classes (real or historical, for migrations)."""
    process = SalesProcess.objects.create(
        name=name,
        is_default=True,
        description="天龙八部 — M3.2 default: G F E D C B A S, 10 % … 100 %, aligned to the customer's procurement.",
    )
    for order, (code, pct, zh, en, milestone, step, role, lead) in enumerate(STAGES, start=1):
        stage = Stage.objects.create(
            process=process,
            order=order,
            code=code,
            name=zh,
            name_en=en,
            probability=Decimal(pct),
            milestone=milestone,
            procurement_step=step,
            customer_role=role,
            lead_role=lead,
            is_won=code == "S",
        )
        for index, (text, text_en) in enumerate(CRITERIA.get(code, []), start=1):
            StageCriterion.objects.create(stage=stage, order=index, text=text, text_en=text_en)
        for source, title, title_en in AIDS.get(code, []):
            SalesAid.objects.create(stage=stage, source=source, title=title, title_en=title_en)
    return process
