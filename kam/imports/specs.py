"""The columns of each import/export kind, and the plain-Python parser of each column.

A parser turns one cell into a Python value or raises CellError with a translated message; it does
not touch the database (lookups such as industry or owner are resolved later, from dicts loaded once).
Parsing 20,000 rows this way costs a fraction of a second, where a Django form per row would not.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import methodcaller

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from kam.accounts.choices import AccountStatus, CompanySize, Currency, InteractionKind, LeadSource, Ownership
from kam.accounts.models import Account, Contact, Interaction
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import Opportunity, SalesProcess, Stage
from kam.tiering.choices import FeedbackKind
from kam.tiering.models import Feedback, Payment, Transaction

#: Returned by a parser for a blank cell whose field cannot be blank: the stored value (or the
#: default, for a new record) stays.
OMIT = object()

#: Exports prefix these with an apostrophe so spreadsheets do not run the cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CellError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


#: Columns an export adds after the template's and the import of the same kind skips: values set elsewhere
#: (an account's tier is written only by a tiering run), so that an exported file imports again.
EXPORT_ONLY = {"accounts": ("tier",)}


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    parse: Callable[[object], object]
    required: bool = False
    #: Other headers accepted for this column (the Chinese ones people write).
    aliases: tuple[str, ...] = ()
    help: Promise | str = ""
    #: For choice columns: the choices class, so the template can list the accepted values.
    choices: type[models.TextChoices] | None = None


def normalize_header(text: str) -> str:
    """The key a header names: "Company size", "company_size " and "company-size*" are the same."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().strip("*").strip()).lower()


def _text(value) -> str:
    """A cell as stripped text; an apostrophe that an export put before a formula character goes."""
    if value.__class__ is not str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
    value = value.strip()
    if value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


#: Vector parsers: a parser may carry `many(cells) -> list | None`, which parses a whole column of a chunk
#: in a few C-level passes (the ledger kinds read millions of rows: kam.imports.ledger). It returns None
#: whenever a cell might be wrong or unusual, and the caller then runs the parser cell by cell, which
#: locates the errors; so the result is always the same as parsing each cell.
_STARTS_WITH_APOSTROPHE = methodcaller("startswith", "'")
_HAS_NUL = methodcaller("__contains__", "\0")


def _frame_form(name: str, *args):
    """A parser's Polars form (kam.imports.columnar: the value and whether it is certainly the parser's),
    imported on first use: Polars takes a fifth of a second to import, which only a ledger import pays."""

    def frame(cell):
        from kam.imports import columnar

        return getattr(columnar, name)(*args)(cell)

    return frame


def text(max_length: int | None = None, *, required: bool = False):
    def parse(value):
        if value.__class__ is str:  # the common case, inlined: 20,000 rows are 400,000 cells
            value = value.strip()
            if value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
                value = value[1:]
        else:
            value = _text(value)
        if not value and required:
            raise CellError(_("a value is required."))
        if max_length and len(value) > max_length:
            raise CellError(_("the text is longer than %(max)s characters.") % {"max": max_length})
        if "\0" in value:  # PostgreSQL cannot store it (its COPY would fail the whole file unlocated)
            raise CellError(_("the text contains a NUL character, which cannot be saved; remove it."))
        return value

    def many(cells: Sequence) -> list | None:
        try:
            values = list(map(str.strip, cells))
        except TypeError:  # not all text (XLSX numbers, dates …)
            return None
        if (required and "" in values) or (max_length and max(map(len, values), default=0) > max_length):
            return None
        if next(filter(_STARTS_WITH_APOSTROPHE, values), None) is not None:
            return None
        if next(filter(_HAS_NUL, values), None) is not None:
            return None
        return values

    parse.many = many
    parse.frame = _frame_form("text", max_length, required)
    return parse


def _max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def model_text(model: type[models.Model], name: str, *, required: bool = False):
    """Text limited to the model field's max_length, so the import follows the model if it changes."""
    return text(_max_length(model, name), required=required)


def code_list(value) -> list[str]:
    """Codes separated by ASCII or Chinese semicolons: "C1; C2；C3" → ["C1", "C2", "C3"]."""
    return [part.strip() for part in re.split(r"[;；]", _text(value)) if part.strip()]


def decimal(max_digits: int, decimal_places: int, *, blank=None):
    """A non-negative amount; "1,234.5", "¥1 234.5" and Excel numbers are accepted.

    A blank cell gives `blank`: None clears the field; OMIT keeps the stored value (or the default)
    of a field that cannot be blank.
    """
    quantum = Decimal(1).scaleb(-decimal_places)
    integer_digits = max_digits - decimal_places

    def parse(value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raw = f"{value:.15g}"  # Excel keeps 15 significant digits; drop binary noise such as ...0004
        else:
            raw = re.sub(r"[\s,，¥￥$€]", "", _text(value))
            if not raw:
                return blank
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)}) from None
        if not number.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)})
        if number < 0:
            raise CellError(_("the amount cannot be negative."))
        if number and number.adjusted() >= integer_digits:
            raise CellError(_("the number is too large."))
        rounded = number.quantize(quantum)
        if number != rounded:
            raise CellError(_("use at most %(places)s decimal places.") % {"places": decimal_places})
        return rounded

    return parse


def model_decimal(model: type[models.Model], name: str):
    model_field = model._meta.get_field(name)
    return decimal(
        model_field.max_digits, model_field.decimal_places, blank=None if model_field.null else OMIT
    )


_DATE_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d.%m.%Y")
#: The largest Excel serial date (9999-12-31).
_MAX_EXCEL_SERIAL = 2958465


def _excel_serial(number: float) -> datetime.date:
    if not 1 <= number <= _MAX_EXCEL_SERIAL:
        raise ValueError(number)
    return from_excel(number).date()


def date(*, blank=None):
    """ISO, 2024/1/31, 2024年1月31日, a date cell, or an Excel serial number such as 45322."""

    def parse(value):
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return _excel_serial(value)
            except ValueError:
                raise CellError(_("“%(value)s” is not a date.") % {"value": value}) from None
        raw = _text(value)
        if not raw:
            return blank
        try:
            return datetime.datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        if re.fullmatch(r"\d{1,5}(\.\d+)?", raw):  # a serial number Excel wrote as text (up to 2173)
            try:
                return _excel_serial(float(raw))
            except ValueError:
                pass
        for date_format in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(raw, date_format).date()
            except ValueError:
                continue
        raise CellError(_("“%(value)s” is not a date; write it as 2024-01-31.") % {"value": raw})

    return parse


def memo_date(*, blank=None):
    """date(), remembering the dates it has read: a ledger of millions of rows has a few thousand dates.

    Only good cells are remembered (an error message is in the language of the import that met it).
    """
    parse_date = date(blank=blank)
    seen: dict = {}

    def parse(value):
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            return seen[key]
        except KeyError:
            result = parse_date(value)
            if len(seen) < 100_000:
                seen[key] = result
            return result

    def many(cells: Sequence) -> list | None:
        values = list(map(seen.get, cells))
        if None in values:
            try:
                values = [
                    parse(cell) if value is None else value for value, cell in zip(values, cells, strict=True)
                ]
            except (CellError, TypeError):
                return None
        return values

    parse.many = many
    parse.frame = _frame_form("iso_date")
    return parse


def signed_number(max_digits: int, decimal_places: int, *, as_decimal: bool = False):
    """A number that may be negative (ERPs write returns so), as an int of 10**-decimal_places units
    (money: cents, which is how the ledger stores it), or with `as_decimal` as the Decimal itself.

    "1,234.50", "¥1 234.5" and Excel numbers are accepted; a blank cell is None.
    """
    limit = 10**max_digits

    def parse(value):
        if value.__class__ is str:
            raw = value.strip()
            if not raw:
                return None
            try:
                number = Decimal(raw)
            except InvalidOperation:
                raw = re.sub(r"[\s,，¥￥$€]", "", _text(value))
                if not raw:
                    return None
                try:
                    number = Decimal(raw)
                except InvalidOperation:
                    raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)}) from None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(f"{value:.15g}")
        else:
            raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)})
        if not number.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)})
        scaled = number.scaleb(decimal_places)
        units = int(scaled)
        if units != scaled:
            raise CellError(_("use at most %(places)s decimal places.") % {"places": decimal_places})
        if not -limit < units < limit:
            raise CellError(_("the number is too large."))
        return number if as_decimal else units

    scale = methodcaller("scaleb", decimal_places)

    def many(cells: Sequence) -> list | None:
        try:
            if "" in cells:
                numbers = [None if cell == "" else Decimal(cell) for cell in cells]
                present = [number for number in numbers if number is not None]
            else:
                numbers = present = list(map(Decimal, cells))
            scaled = list(map(scale, present))
            units = list(map(int, scaled))
        except (InvalidOperation, ValueError, TypeError, OverflowError):
            return None
        if units != scaled or (units and not (-limit < min(units) and max(units) < limit)):
            return None
        if as_decimal:
            return numbers
        if numbers is present:
            return units
        found = iter(units)
        return [None if number is None else next(found) for number in numbers]

    parse.many = many
    parse.frame = _frame_form("signed_number", max_digits, decimal_places, as_decimal)
    return parse


_TRUE = {"1", "true", "yes", "y", "x", "✓", "✔", "是", "对"}
_FALSE = {"0", "false", "no", "n", "否", "不"}


def boolean(value):
    """Yes/no in the ways spreadsheets write it; blank leaves the stored value."""
    if isinstance(value, bool):
        return value
    raw = _text(value).casefold()
    if not raw:
        return OMIT
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no.") % {"value": _text(value)})


_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False), "": OMIT}


def _boolean_many(cells: Sequence) -> list | None:
    try:
        values = list(map(_BOOLEANS.get, map(str.casefold, map(str.strip, cells))))
    except TypeError:
        return None
    return None if None in values else values


boolean.many = _boolean_many
boolean.frame = _frame_form("boolean", _TRUE, _FALSE)

#: Plain addresses that Django's (slower) validators certainly accept; anything else is checked by them.
_PLAIN_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_PLAIN_EMAIL = re.compile(r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@" + _PLAIN_DOMAIN, re.IGNORECASE | re.ASCII)
_PLAIN_URL = re.compile(r"https?://" + _PLAIN_DOMAIN + r"(?:[/?#][^\s]*)?", re.IGNORECASE | re.ASCII)


def email(max_length: int):
    parse_text = text(max_length)

    def parse(value):
        raw = parse_text(value)
        if raw and not _PLAIN_EMAIL.fullmatch(raw):
            try:
                validate_email(raw)
            except ValidationError:
                raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": raw}) from None
        return raw

    return parse


_validate_url = URLValidator()


def url(max_length: int):
    """A web address; "www.example.com" becomes "https://www.example.com", as the form does."""
    parse_text = text(max_length)

    def parse(value):
        raw = _text(value)
        if not raw:
            return raw
        full = raw if "://" in raw else f"https://{raw}"
        if not _PLAIN_URL.fullmatch(full):
            try:
                _validate_url(full)
            except ValidationError:
                raise CellError(_("“%(value)s” is not a web address.") % {"value": raw}) from None
        return parse_text(full)

    return parse


#: Chinese words people write for the choices, on top of the stored value and the labels.
CHOICE_ALIASES = {
    Ownership: {
        "国有": "state_owned",
        "国企": "state_owned",
        "国有企业": "state_owned",
        "集体": "collective",
        "集体企业": "collective",
        "民营": "private",
        "私营": "private",
        "民营企业": "private",
        "合资": "joint_venture",
        "合资企业": "joint_venture",
        "外资": "foreign_owned",
        "外商独资": "foreign_owned",
        "外资企业": "foreign_owned",
        "上市公司": "listed",
        "政府": "government",
        "政府机关": "government",
        "事业单位": "government",
        "其他": "other",
    },
    AccountStatus: {
        "潜在客户": "prospect",
        "潜在": "prospect",
        "活跃客户": "active",
        "合作中": "active",
        "现有客户": "active",
        "休眠": "dormant",
        "休眠客户": "dormant",
        "关闭": "closed",
        "已关闭": "closed",
        "流失": "closed",
    },
    CompanySize: {
        "微型": "micro",
        "小型": "small",
        "中型": "medium",
        "大型": "large",
        "特大型": "enterprise",
    },
    LeadSource: {
        "广告": "ad_response",
        "广告反馈": "ad_response",
        "展会": "trade_show",
        "客户推荐": "customer_referral",
        "老客户推荐": "customer_referral",
        "主动上门": "inbound",
        "来电来访": "inbound",
        "主动开发": "prospecting",
        "陌生拜访": "prospecting",
        "行业会议": "industry_conference",
        "增购": "add_on_purchase",
        "追加购买": "add_on_purchase",
    },
    InteractionKind: {
        "电话": "phone",
        "拜访": "visit",
        "技术交流": "technical_exchange",
        "方案": "proposal",
        "方案建议": "proposal",
        "谈判": "negotiation",
        "商务谈判": "negotiation",
        "活动": "event",
        "招待": "event",
        "邮件": "email",
        "电子邮件": "email",
        "其他": "other",
    },
    OpportunityStatus: {
        "跟进中": "open",
        "未关闭": "open",
        "成交": "won",
        "已成交": "won",
        "中标": "won",
        "输单": "lost",
        "未中标": "lost",
        "失败": "lost",
        "已放弃": "abandoned",
        "取消": "abandoned",
    },
    FeedbackKind: {
        "表扬": "praise",
        "赞扬": "praise",
        "好评": "praise",
        "投诉": "complaint",
        "抱怨": "complaint",
        "建议": "suggestion",
        "意见": "suggestion",
    },
    Currency: {"人民币": "CNY", "美元": "USD", "欧元": "EUR", "港币": "HKD", "港元": "HKD"},
}


def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """casefolded value, English label, Chinese label or alias → stored value."""
    lookup = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({str(label).casefold(): value for value, label in choices.choices})
    lookup.update({alias.casefold(): value for alias, value in CHOICE_ALIASES.get(choices, {}).items()})
    lookup.update({value.casefold(): value for value in choices.values})
    return lookup


def choice(choices: type[models.TextChoices], *, required: bool = False):
    """A choice by its stored value or its English or Chinese label; blank keeps the stored value."""
    lookup = choice_lookup(choices)

    def parse(value):
        raw = _text(value)
        if not raw:
            if required:
                raise CellError(_("a value is required."))
            return OMIT
        try:
            return lookup[raw.casefold()]
        except KeyError:
            allowed = ", ".join(str(label) for label in choices.labels)  # in the reader's language
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
            ) from None

    cells_lookup = lookup if required else {**lookup, "": OMIT}

    def many(cells: Sequence) -> list | None:
        try:
            values = list(map(cells_lookup.get, map(str.casefold, map(str.strip, cells))))
        except TypeError:
            return None
        return None if None in values else values

    parse.many = many
    parse.frame = _frame_form("choice", lookup, required)
    return parse


def optional_choice(choices: type[models.TextChoices]):
    """Like choice(), but a blank cell clears the field (for fields that may be blank)."""
    parse_choice = choice(choices)

    def parse(value):
        result = parse_choice(value)
        return "" if result is OMIT else result

    def many(cells: Sequence) -> list | None:
        values = parse_choice.many(cells)
        return None if values is None else ["" if value is OMIT else value for value in values]

    parse.many = many
    return parse


def _column(model, name, parse, **kwargs) -> Column:
    return Column(key=name, label=model._meta.get_field(name).verbose_name, parse=parse, **kwargs)


def _reference(
    key: str, label, aliases: tuple[str, ...], help_text, *, required: bool = False, max_length: int = 40
) -> Column:
    return Column(
        key=key,
        label=label,
        parse=text(max_length, required=required),
        required=required,
        aliases=aliases,
        help=help_text,
    )


CODE_HELP = _(
    "Your own id for the record (e.g. from the ERP). A re-import updates the record with this code."
)
ACCOUNT_CODE_HELP = _("The code of an account you may change.")

ACCOUNT_COLUMNS = [
    _column(
        Account, "code", model_text(Account, "code"), aliases=("代码", "编码", "客户代码"), help=CODE_HELP
    ),
    _column(
        Account,
        "name",
        model_text(Account, "name", required=True),
        required=True,
        aliases=("名称", "客户名称"),
    ),
    _reference(
        "industry",
        _("industry"),
        ("行业",),
        _("The industry's code, or its Chinese or English name."),
    ),
    _column(
        Account, "ownership", optional_choice(Ownership), aliases=("所有制", "企业性质"), choices=Ownership
    ),
    _column(Account, "status", choice(AccountStatus), aliases=("状态", "客户状态"), choices=AccountStatus),
    _column(Account, "region", model_text(Account, "region"), aliases=("地区", "区域")),
    _column(
        Account,
        "company_size",
        optional_choice(CompanySize),
        aliases=("企业规模", "规模"),
        choices=CompanySize,
    ),
    _column(
        Account, "registered_capital", model_decimal(Account, "registered_capital"), aliases=("注册资本",)
    ),
    _column(
        Account, "annual_revenue", model_decimal(Account, "annual_revenue"), aliases=("年营业额", "年收入")
    ),
    _column(Account, "currency", choice(Currency), aliases=("币种", "货币"), choices=Currency),
    _column(Account, "is_listed", boolean, aliases=("是否上市", "上市")),
    _column(Account, "founded_on", date(), aliases=("成立日期",)),
    _column(
        Account, "lead_source", optional_choice(LeadSource), aliases=("客户来源", "来源"), choices=LeadSource
    ),
    _column(Account, "address", model_text(Account, "address"), aliases=("地址",)),
    _column(Account, "post_code", model_text(Account, "post_code"), aliases=("邮编", "邮政编码")),
    _column(Account, "phone", model_text(Account, "phone"), aliases=("电话",)),
    _column(Account, "fax", model_text(Account, "fax"), aliases=("传真",)),
    _column(Account, "email", email(_max_length(Account, "email")), aliases=("邮箱", "电子邮件")),
    _column(Account, "website", url(_max_length(Account, "website")), aliases=("网址", "网站")),
    _reference(
        "parent_code",
        _("parent account code"),
        ("上级客户代码", "母公司代码"),
        _("The code of the parent account: one in this file, or one you may see."),
    ),
    _reference(
        "owner",
        _("owner"),
        ("负责人", "客户经理"),
        _("Username of the owner. Blank: you, for a new account; unchanged for an existing one."),
        max_length=150,
    ),
    _column(Account, "notes", text(), aliases=("备注",)),
]

CONTACT_COLUMNS = [
    _column(
        Contact, "code", model_text(Contact, "code"), aliases=("代码", "编码", "联系人代码"), help=CODE_HELP
    ),
    _reference("account_code", _("account code"), ("客户代码",), ACCOUNT_CODE_HELP, required=True),
    _column(
        Contact, "name", model_text(Contact, "name", required=True), required=True, aliases=("姓名", "名称")
    ),
    _column(Contact, "title", model_text(Contact, "title"), aliases=("职务", "职位")),
    _column(Contact, "department", model_text(Contact, "department"), aliases=("部门",)),
    _reference(
        "reports_to_code",
        _("reports to (code)"),
        ("上级代码", "汇报对象代码"),
        _("The code of the contact's manager at the same account: in this file, or already saved."),
    ),
    _column(Contact, "phone", model_text(Contact, "phone"), aliases=("电话",)),
    _column(Contact, "mobile", model_text(Contact, "mobile"), aliases=("手机",)),
    _column(Contact, "email", email(_max_length(Contact, "email")), aliases=("邮箱", "电子邮件")),
    _column(Contact, "wechat", model_text(Contact, "wechat"), aliases=("微信",)),
    _column(Contact, "hobbies", model_text(Contact, "hobbies"), aliases=("爱好",)),
    _column(Contact, "notes", text(), aliases=("备注",)),
]

INTERACTION_COLUMNS = [
    _column(Interaction, "code", model_text(Interaction, "code"), aliases=("代码", "编号"), help=CODE_HELP),
    _reference("account_code", _("account code"), ("客户代码",), ACCOUNT_CODE_HELP, required=True),
    _column(
        Interaction,
        "kind",
        choice(InteractionKind, required=True),
        required=True,
        aliases=("类型", "方式"),
        choices=InteractionKind,
    ),
    _column(Interaction, "occurred_on", date(blank=OMIT), aliases=("日期",), help=_("Blank: today.")),
    _reference(
        "owner",
        _("responsible"),
        ("负责人",),
        _("Username of who owns the next step. Blank: you, for a new entry; unchanged otherwise."),
        max_length=150,
    ),
    Column(
        key="contact_codes",
        label=_("their people (codes)"),
        parse=code_list,
        aliases=("联系人代码",),
        help=_("Codes of the contacts met, separated by semicolons (;)."),
    ),
    _column(Interaction, "content", text(required=True), required=True, aliases=("内容",)),
    _column(Interaction, "next_step", model_text(Interaction, "next_step"), aliases=("下一步",)),
    _column(Interaction, "next_step_due", date(), aliases=("下一步截止日期", "截止日期")),
    _column(Interaction, "next_step_done", boolean, aliases=("下一步已完成", "已完成")),
]

OPPORTUNITY_COLUMNS = [
    _column(
        Opportunity,
        "number",
        model_text(Opportunity, "number"),
        aliases=("编号", "商机编号", "项目编号"),
        help=_("A re-import updates the opportunity with this number. Blank: a new number, as on the form."),
    ),
    _reference("account_code", _("account code"), ("客户代码",), ACCOUNT_CODE_HELP, required=True),
    _column(
        Opportunity,
        "name",
        model_text(Opportunity, "name", required=True),
        required=True,
        aliases=("名称", "商机名称", "项目名称"),
    ),
    _column(Opportunity, "goal", text(), aliases=("项目目标", "目标")),
    _column(Opportunity, "amount", model_decimal(Opportunity, "amount"), aliases=("金额", "项目金额")),
    _column(Opportunity, "currency", choice(Currency), aliases=("币种", "货币"), choices=Currency),
    _column(Opportunity, "expected_close", date(), aliases=("预计成交日期", "预计签约日期")),
    _reference(
        "owner",
        _("owner"),
        ("负责人", "客户经理"),
        _("Username of the owner. Blank: you, for a new opportunity; unchanged for an existing one."),
        max_length=150,
    ),
    _reference(
        "process",
        _("sales process"),
        ("销售流程", "流程"),
        _("The sales process's name. Blank: the default process; an opportunity keeps its process."),
        max_length=_max_length(SalesProcess, "name"),
    ),
    _reference(
        "stage",
        _("stage code"),
        ("阶段", "阶段代码"),
        _(
            "The stage's code in its process (G F E D C B A S by default). Blank: the first stage, for a "
            "new opportunity. A change is recorded in the stage history with the reason “import”."
        ),
        max_length=_max_length(Stage, "code"),
    ),
    _column(
        Opportunity,
        "status",
        choice(OpportunityStatus),
        aliases=("状态", "商机状态"),
        choices=OpportunityStatus,
        help=_("Blank: open, or won at the won stage. A closed opportunity cannot be reopened."),
    ),
    _column(
        Opportunity,
        "close_reason",
        text(),
        aliases=("丢单原因", "放弃原因"),
        help=_("Required when the status is lost or abandoned."),
    ),
    _column(
        Opportunity,
        "winning_competitor",
        model_text(Opportunity, "winning_competitor"),
        aliases=("赢单的竞争对手", "中标单位"),
    ),
    _column(
        Opportunity,
        "closed_on",
        date(blank=OMIT),
        aliases=("关闭日期",),
        help=_("Only for a closed opportunity. Blank: the day it is closed by the import."),
    ),
    _column(Opportunity, "competitors", model_text(Opportunity, "competitors"), aliases=("竞争对手",)),
    _column(Opportunity, "product_lines", model_text(Opportunity, "product_lines"), aliases=("产品线",)),
    _column(
        Opportunity,
        "lead_source",
        optional_choice(LeadSource),
        aliases=("客户来源", "来源"),
        choices=LeadSource,
    ),
    _column(Opportunity, "next_step", model_text(Opportunity, "next_step"), aliases=("下一步",)),
    _column(Opportunity, "next_step_due", date(), aliases=("下一步截止日期", "截止日期")),
]

LEDGER_ACCOUNT_HELP = _("The code of an account you may change; with the number it identifies the row.")


def _money(model: type[models.Model], name: str):
    return signed_number(model._meta.get_field(name).max_digits, 2)


TRANSACTION_COLUMNS = [
    _reference(
        "account_code", _("account code"), ("客户代码", "客户编码"), LEDGER_ACCOUNT_HELP, required=True
    ),
    _column(
        Transaction,
        "order_no",
        model_text(Transaction, "order_no", required=True),
        required=True,
        aliases=("订单号", "单号", "订单编号"),
        help=_("A re-import updates the transaction with this account code and order no."),
    ),
    _column(
        Transaction,
        "ordered_on",
        memo_date(),
        required=True,
        aliases=("日期", "订单日期", "交易日期"),
        help=_("2024-01-31, 2024/1/31, 2024年1月31日 or an Excel date."),
    ),
    _column(Transaction, "product", model_text(Transaction, "product"), aliases=("产品", "产品名称")),
    _column(
        Transaction,
        "quantity",
        signed_number(Transaction._meta.get_field("quantity").max_digits, 3, as_decimal=True),
        aliases=("数量",),
        help=_("Negative only on a return."),
    ),
    _column(
        Transaction,
        "amount",
        _money(Transaction, "amount"),
        aliases=("金额", "销售额", "订单金额"),
        help=_(
            "The order's amount. Negative only on a return; blank on a return that gives its returned amount."
        ),
    ),
    Column(
        key="cost",
        label=_("cost"),
        parse=_money(Transaction, "amount"),
        aliases=("成本",),
        help=_("The cost of the goods; the gross margin is the amount minus it."),
    ),
    Column(
        key="gross_margin",
        label=_("gross margin"),
        parse=_money(Transaction, "margin"),
        aliases=("毛利", "毛利额"),
        help=_("Instead of the cost. If both are given, the margin must be the amount minus the cost."),
    ),
    Column(
        key="returned",
        label=_("returned"),
        parse=boolean,
        aliases=("退货", "是否退货"),
        help=_("Yes for a return of goods (its own row). Blank: yes if the row has a returned amount."),
    ),
    Column(
        key="returned_amount",
        label=_("returned amount"),
        parse=_money(Transaction, "amount"),
        aliases=("退货金额",),
        help=_("Only on a return: what was credited (the same as its amount)."),
    ),
]

PAYMENT_COLUMNS = [
    _reference(
        "account_code", _("account code"), ("客户代码", "客户编码"), LEDGER_ACCOUNT_HELP, required=True
    ),
    _column(
        Payment,
        "invoice_no",
        model_text(Payment, "invoice_no", required=True),
        required=True,
        aliases=("发票号", "发票号码", "单据号"),
        help=_("A re-import updates the payment with this account code and invoice no."),
    ),
    _column(Payment, "invoiced_on", memo_date(), required=True, aliases=("开票日期", "发票日期")),
    _column(Payment, "due_on", memo_date(), aliases=("到期日", "应收日期", "付款期限")),
    _column(
        Payment,
        "paid_on",
        memo_date(),
        aliases=("回款日期", "付款日期", "收款日期"),
        help=_("Blank while the invoice is unpaid."),
    ),
    _column(Payment, "amount", _money(Payment, "amount"), required=True, aliases=("金额", "发票金额")),
]

FEEDBACK_COLUMNS = [
    _reference(
        "account_code", _("account code"), ("客户代码", "客户编码"), LEDGER_ACCOUNT_HELP, required=True
    ),
    _column(
        Feedback,
        "number",
        model_text(Feedback, "number"),
        aliases=("编号", "工单号"),
        help=_("Blank: a number made from the date, kind and text, so a re-import finds the row again."),
    ),
    _column(
        Feedback,
        "kind",
        choice(FeedbackKind, required=True),
        required=True,
        aliases=("类型", "反馈类型"),
        choices=FeedbackKind,
    ),
    _column(Feedback, "received_on", memo_date(), required=True, aliases=("日期", "反馈日期")),
    _column(Feedback, "text", text(required=True), required=True, aliases=("内容", "反馈内容")),
]

COLUMNS: dict[str, list[Column]] = {
    "accounts": ACCOUNT_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "interactions": INTERACTION_COLUMNS,
    "opportunities": OPPORTUNITY_COLUMNS,
    "transactions": TRANSACTION_COLUMNS,
    "payments": PAYMENT_COLUMNS,
    "feedback": FEEDBACK_COLUMNS,
}


def header_lookup(columns: list[Column]) -> dict[str, Column]:
    """Every accepted header (normalised) → its column."""
    lookup = {}
    for column in columns:
        for name in (column.key, *column.aliases):
            lookup[normalize_header(name)] = column
    return lookup
