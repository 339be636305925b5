"""The method's vocabulary for the buying center: buying roles (M4.2), the customer's procurement steps and
phases (M3.1), relationship types and levels (M4.5) and counterpart levels (M4.7).

The attitude scale is the pipeline's (kam.pipeline.choices.Attitude, M2.6): there is one scale, not two.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BuyingRole(models.TextChoices):
    """The six buying roles of M4.2; a person may hold more than one."""

    ECONOMIC = "economic", _("Economic buyer")
    TECHNICAL = "technical", _("Technical buyer")
    USER = "user", _("User buyer")
    FINANCIAL = "financial", _("Financial buyer")
    COACH = "coach", _("Coach")
    INFLUENCER = "influencer", _("Influencer")


#: What each role weighs, its typical position and the right it holds (M4.2 table), shown as guidance.
ROLE_GUIDANCE = {
    BuyingRole.ECONOMIC: (
        _("Balance and maximise the benefit"),
        _("General manager"),
        _("Final say"),
    ),
    BuyingRole.TECHNICAL: (
        _("Feasibility, technology, results"),
        _("Measurement centre / quality assurance"),
        _("Recommend, veto"),
    ),
    BuyingRole.USER: (
        _("Ease of use, operability"),
        _("Production"),
        _("Use"),
    ),
    BuyingRole.FINANCIAL: (
        _("Payment; mostly a formality"),
        _("Finance"),
        _("Take part"),
    ),
    BuyingRole.COACH: (
        _("Fit with the purchasing standards; internal catalyst"),
        _("Business or planning department, purchasing"),
        _("Guide"),
    ),
    BuyingRole.INFLUENCER: (
        _("Sways the final decider by recommending or vetoing"),
        _("Relatives, secretary, spouse of the head"),
        _("Influence"),
    ),
}

#: Short names for the badges on the buying-center map.
ROLE_BADGES = {
    BuyingRole.ECONOMIC: pgettext_lazy("buying role badge", "Economic"),
    BuyingRole.TECHNICAL: pgettext_lazy("buying role badge", "Technical"),
    BuyingRole.USER: pgettext_lazy("buying role badge", "User"),
    BuyingRole.FINANCIAL: pgettext_lazy("buying role badge", "Financial"),
    BuyingRole.COACH: pgettext_lazy("buying role badge", "Coach"),
    BuyingRole.INFLUENCER: pgettext_lazy("buying role badge", "Influencer"),
}

#: Roles that decide (final say or veto): the people a seller must know where they stand (M4.1 step 4).
DECISION_ROLES = frozenset({BuyingRole.ECONOMIC, BuyingRole.TECHNICAL})


class ProcurementStep(models.IntegerChoices):
    """The customer's eight procurement steps (M3.1), with the phase each belongs to."""

    NEED = 1, _("1 Problem found; the using department raises the need")
    FEASIBILITY = 2, _("2 Feasibility study; budget set")
    APPROVAL = 3, _("3 Project approved; procurement team formed")
    STANDARDS = 4, _("4 Technical standards for the purchase set")
    TENDER = 5, _("5 Tender issued; first technical screening")
    EVALUATION = 6, _("6 Bids evaluated; preferred supplier chosen")
    NEGOTIATION = 7, _("7 Contract review; commercial negotiation; annexes")
    SIGNING = 8, _("8 Agreement signed; implementation assured")


class ProjectPhase(models.TextChoices):
    """The phases of the customer's procurement (M3.1) in which influence weights are set (M4.3).

    M4.3's example phase, "initial product selection" (初选产品), is the first technical screening of step 5.
    """

    DISCOVER = "discover", _("Discover (steps 1–2)")
    ESTABLISH = "establish", _("Establish (steps 3–4)")
    SELECTION = "selection", _("Initial product selection (step 5)")
    EVALUATION = "evaluation", _("Bid evaluation and negotiation (steps 6–7)")
    CONTRACT = "contract", _("Contract signed (step 8)")


PHASE_OF_STEP = {
    1: ProjectPhase.DISCOVER,
    2: ProjectPhase.DISCOVER,
    3: ProjectPhase.ESTABLISH,
    4: ProjectPhase.ESTABLISH,
    5: ProjectPhase.SELECTION,
    6: ProjectPhase.EVALUATION,
    7: ProjectPhase.EVALUATION,
    8: ProjectPhase.CONTRACT,
}


class RelationshipType(models.TextChoices):
    """The four relationship types of M4.5: personal closeness × business closeness."""

    FRIEND = "friend", _("Friend (close personally)")
    PARTNER = "partner", _("Partner (close personally and in business)")
    SUPPLIER = "supplier", _("Supplier (business only)")
    OUTSIDER = "outsider", _("Outsider (neither yet)")


class RelationshipLevel(models.IntegerChoices):
    """The five levels of personal relationship (M4.5), from small talk to shared values."""

    GREETINGS = 1, _("1 Greetings")
    FACTS = 2, _("2 Stating facts")
    SHARED_VIEWS = 3, _("3 Shared opinions")
    INTERESTS = 4, _("4 Interests and hobbies")
    VALUES = 5, _("5 Beliefs and values")


class PairLevel(models.TextChoices):
    """Counterpart levels of the networking action (M4.7): which of our people meets which of theirs."""

    EXECUTIVE = "executive", _("General manager ↔ general manager")
    COMMERCIAL = "commercial", _("Sales director ↔ purchasing manager")
    TECHNICAL = "technical", _("Technical manager ↔ technical / production manager")
    QUALITY = "quality", _("Quality head ↔ quality head")
    FINANCE = "finance", _("Finance ↔ finance")
    OTHER = "other", _("Other")


#: The counterpart level a stakeholder of each role calls for (M4.7 pairs by position; M4.2 gives positions).
SUGGESTED_PAIR = {
    BuyingRole.ECONOMIC: PairLevel.EXECUTIVE,
    BuyingRole.TECHNICAL: PairLevel.TECHNICAL,
    BuyingRole.USER: PairLevel.TECHNICAL,
    BuyingRole.FINANCIAL: PairLevel.FINANCE,
    BuyingRole.COACH: PairLevel.COMMERCIAL,
    BuyingRole.INFLUENCER: PairLevel.EXECUTIVE,
}


#: M4.3's "current relationship" column, from the attitude (kam.buyingcenter.scoring.stance).
STANCE_LABELS = {
    "supporter": _("Supporter"),
    "neutral": _("Neutral"),
    "opponent": _("Opponent"),
    "unknown": _("Unknown"),
}

#: Map colours per attitude letter (and for "not known yet"), shared by the chart and its legend.
ATTITUDE_COLOURS = {
    "A": "#146c43",
    "B": "#6bbf8e",
    "C": "#f0ad00",
    "D": "#fd7e14",
    "E": "#dc3545",
    "": "#8c959f",
}


# --- SPIN and the value calculator (M4.5, M4.6) -------------------------------------------------------------


class SpinKind(models.TextChoices):
    """The four kinds of SPIN question (M4.6), asked in this order."""

    SITUATION = "S", _("S Situation")
    PROBLEM = "P", _("P Problem")
    IMPLICATION = "I", _("I Implication")
    NEED_PAYOFF = "N", _("N Need-payoff")


#: What each kind of question is for (M4.6's six steps: ask about the current state, find dissatisfaction,
#: enlarge the pain, picture the good future).
SPIN_PURPOSE = {
    SpinKind.SITUATION: _("Ask about the current state."),
    SpinKind.PROBLEM: _("Find what they are dissatisfied with."),
    SpinKind.IMPLICATION: _("Enlarge the pain: what the problem causes."),
    SpinKind.NEED_PAYOFF: _("Picture the good future once it is solved."),
}


class NeedStage(models.IntegerChoices):
    """How a need develops (M4.5, slide 66): from "almost perfect" to "I must change now" — an implied need
    (暗示需求) becomes an explicit one (明确需求), and only an explicit need is ready for the FAB."""

    PERFECT = 1, _("1 Almost perfect — no need yet")
    SLIGHTLY = 2, _("2 A little dissatisfied — implied need")
    GROWING = 3, _("3 The problem keeps growing — implied need")
    MUST_CHANGE = 4, _("4 Must change now — explicit need")


#: The kind of need at each stage: none yet, implied or explicit.
NEED_KIND = {1: "none", 2: "implied", 3: "implied", 4: "explicit"}
NEED_KIND_LABELS = {"none": _("No need yet"), "implied": _("Implied need"), "explicit": _("Explicit need")}
