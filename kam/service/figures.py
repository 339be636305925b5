"""The figures of one or many accounts the method's arithmetic needs — revenue and profit per year from the
tiering rollups, the customer's spend, the contact pattern, the latest competitor ratings — read in a fixed
number of queries and handed to the pure modules (wallet, grid, loyalty).

These functions take accounts the caller has already found in the user's scope (selectors do that); they
read only records under those accounts.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from kam.accounts.choices import AccountTeamRole
from kam.accounts.models import Account, Contact, Interaction
from kam.buyingcenter.models import CounterpartPair
from kam.service import loyalty, wallet
from kam.service.models import CategorySpend, Contribution, LoyaltyReview
from kam.tiering.models import TransactionMonth
from kam.users.models import User

CENTS = Decimal(100)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def revenue_by_year(account_ids, years) -> dict[tuple[int, int], dict[str, Decimal]]:
    """{(account id, year): {"revenue": net sales, "profit": gross margin}} in currency units."""
    years = sorted(set(years))
    if not years:
        return {}
    start, _end = _year_bounds(years[0])
    _start, end = _year_bounds(years[-1])
    rows = (
        TransactionMonth.objects.filter(account_id__in=account_ids, month__gte=start, month__lt=end)
        .values("account_id", "month")
        .annotate(net=F("sales") - F("returned"), profit=F("margin"))
    )
    totals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(
        lambda: {"revenue": Decimal(0), "profit": Decimal(0)}
    )
    for row in rows:
        if row["month"].year in years:
            cell = totals[(row["account_id"], row["month"].year)]
            cell["revenue"] += Decimal(row["net"]) / CENTS
            cell["profit"] += Decimal(row["profit"]) / CENTS
    return dict(totals)


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def rolling_revenue(account: Account, *, as_of: datetime.date) -> tuple[Decimal, Decimal]:
    """Net revenue of the 12 months up to `as_of`'s month, and of the 12 months before those."""
    start, middle, end = _month_start(as_of, 23), _month_start(as_of, 11), _month_start(as_of, -1)
    rows = TransactionMonth.objects.filter(account=account, month__gte=start, month__lt=end).values_list(
        "month", "sales", "returned"
    )
    current = previous = Decimal(0)
    for month, sales, returned in rows:
        if month >= middle:
            current += Decimal(sales - returned) / CENTS
        else:
            previous += Decimal(sales - returned) / CENTS
    return current, previous


def latest_spend_year(account: Account) -> int | None:
    return (
        CategorySpend.objects.filter(account=account).order_by("-year").values_list("year", flat=True).first()
    )


@dataclass
class Pattern:
    """Who engages whom: our people, their people, and the active pairs with how often they met."""

    ours: dict[int, str]
    theirs: dict[int, str]
    pairs: Counter  # (our user id, their contact id) -> meetings in the window (0: a standing pair only)

    @property
    def beyond(self) -> int:
        return wallet.pairs_beyond_bow_tie(set(self.pairs))


def active_pairs(account_ids, *, as_of: datetime.date) -> dict[int, Counter]:
    """Per account, (our user id, their contact id) → meetings in the 12 months to `as_of`; standing
    counterpart pairs count as active with 0 meetings. Our side of a meeting is the people logged as there
    (else whoever logged it). Four queries for any number of accounts."""
    since = as_of - datetime.timedelta(days=365)
    pairs: dict[int, Counter] = defaultdict(Counter)
    for account_id, ours, theirs in CounterpartPair.objects.filter(account_id__in=account_ids).values_list(
        "account_id", "our_person_id", "their_person_id"
    ):
        pairs[account_id][(ours, theirs)] += 0
    window = Interaction.objects.filter(
        account_id__in=account_ids, occurred_on__gt=since, occurred_on__lte=as_of
    )
    our_side: dict[int, set[int]] = defaultdict(set)
    their_side: dict[int, set[int]] = defaultdict(set)
    account_of: dict[int, int] = {}
    owner_of: dict[int, int] = {}
    for pk, account_id, owner_id in window.values_list("pk", "account_id", "owner_id"):
        account_of[pk], owner_of[pk] = account_id, owner_id
    through_ours = Interaction.our_people.through.objects.filter(interaction__in=window)
    for pk, user_id in through_ours.values_list("interaction_id", "user_id"):
        our_side[pk].add(user_id)
    through_theirs = Interaction.their_people.through.objects.filter(interaction__in=window)
    for pk, contact_id in through_theirs.values_list("interaction_id", "contact_id"):
        their_side[pk].add(contact_id)
    for pk, account_id in account_of.items():
        for ours in our_side[pk] or {owner_of[pk]}:  # who was there; else whoever logged it
            for theirs in their_side[pk]:
                pairs[account_id][(ours, theirs)] += 1
    return pairs


def contact_pattern(account: Account, *, as_of: datetime.date) -> Pattern:
    """M5.3's contact pattern of one account, with the people's names and functions for the graph."""
    pairs = active_pairs([account.pk], as_of=as_of).get(account.pk, Counter())
    our_ids = {ours for ours, _theirs in pairs}
    their_ids = {theirs for _ours, theirs in pairs}
    roles = dict(account.team_members.filter(user_id__in=our_ids).values_list("user_id", "role"))
    role_labels = dict(AccountTeamRole.choices)
    ours = {}
    for person in User.objects.filter(pk__in=our_ids):
        role = (
            _("Account manager") if person.pk == account.owner_id else role_labels.get(roles.get(person.pk))
        )
        ours[person.pk] = f"{person} · {role}" if role else str(person)
    theirs = {}
    for contact in Contact.objects.filter(pk__in=their_ids):
        function = contact.department or contact.title
        theirs[contact.pk] = f"{contact.name} · {function}" if function else contact.name
    return Pattern(ours, theirs, pairs)


def referrals_since(account: Account, year: int) -> int:
    total = Contribution.objects.filter(account=account, year__gte=year).aggregate(n=Sum("referrals"))["n"]
    return total or 0


def latest_review(account: Account) -> LoyaltyReview | None:
    return LoyaltyReview.objects.filter(account=account).order_by("-reviewed_on", "-id").first()


def share_for(account: Account, year: int | None) -> wallet.WalletShare:
    if year is None:
        return wallet.WalletShare(None, None)
    spend = CategorySpend.objects.filter(account=account, year=year).first()
    revenue = revenue_by_year([account.pk], [year]).get((account.pk, year), {}).get("revenue", Decimal(0))
    return wallet.share_of_wallet(revenue, spend.amount if spend else None)


def loyalty_for(
    account: Account,
    *,
    as_of: datetime.date,
    competitor_availability: int | None = None,
    competitor_attractiveness: int | None = None,
) -> loyalty.Loyalty:
    """The loyalty index as of a date: the last 12 months' revenue kept from the 12 before, the latest
    share of wallet, referrals of this and last year, and the given (else the latest) competitor ratings."""
    current, previous = rolling_revenue(account, as_of=as_of)
    last_year = as_of.year - 1
    share = share_for(account, latest_spend_year(account))
    if competitor_availability is None or competitor_attractiveness is None:
        review = latest_review(account)
        if review is not None:
            competitor_availability = competitor_availability or review.competitor_availability
            competitor_attractiveness = competitor_attractiveness or review.competitor_attractiveness
    return loyalty.loyalty_index(
        retention=loyalty.retention(current, previous),
        share_of_wallet=share.percent / 100 if share.percent is not None else None,
        referrals=referrals_since(account, last_year),
        competitor_availability=competitor_availability,
        competitor_attractiveness=competitor_attractiveness,
    )
