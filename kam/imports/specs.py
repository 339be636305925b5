"""The columns of each import/export kind, and the plain-Python parser of each column.

A parser turns one cell into a Python value or raises CellError with a translated message; it does
not touch the database (lookups such as industry or owner are resolved later, from dicts loaded once).
Parsing 20,000 rows this way costs a fraction of a second, where a Django form per row would not.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from kam.accounts.choices import AccountStatus, CompanySize, Currency, InteractionKind, LeadSource, Ownership
from kam.accounts.models import Account, Contact, Interaction

#: Returned by a parser for a blank cell whose field cannot be blank: the stored value (or the
#: default, for a new record) stays.
OMIT = object()

#: Exports prefix these with an apostrophe so spreadsheets do not run the cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CellError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


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
        return value

    return parse


def _max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def model_text(model: type[models.Model], name: str, *, required: bool = False):
    """Text limited to the model field's max_length, so the import follows the model if it changes."""
    return text(_max_length(model, name), required=required)


def code_list(value) -> list[str]:
    """Codes separated by ASCII or Chinese semicolons: "C1; C2；C3" → ["C1", "C2", "C3"]."""
    return [part.strip() for part in re.split(r"[;；]", _text(value)) if part.strip()]


def decimal(max_digits: int, decimal_places: int):
    """A non-negative amount; "1,234.5", "¥1 234.5" and Excel numbers are accepted."""
    quantum = Decimal(1).scaleb(-decimal_places)
    integer_digits = max_digits - decimal_places

    def parse(value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raw = f"{value:.15g}"  # Excel keeps 15 significant digits; drop binary noise such as ...0004
        else:
            raw = re.sub(r"[\s,，¥￥$€]", "", _text(value))
            if not raw:
                return None
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
    return decimal(model_field.max_digits, model_field.decimal_places)


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
            allowed = ", ".join(choices.values)
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
            ) from None

    return parse


def optional_choice(choices: type[models.TextChoices]):
    """Like choice(), but a blank cell clears the field (for fields that may be blank)."""
    parse_choice = choice(choices)

    def parse(value):
        result = parse_choice(value)
        return "" if result is OMIT else result

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

COLUMNS: dict[str, list[Column]] = {
    "accounts": ACCOUNT_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "interactions": INTERACTION_COLUMNS,
}


def header_lookup(columns: list[Column]) -> dict[str, Column]:
    """Every accepted header (normalised) → its column."""
    lookup = {}
    for column in columns:
        for name in (column.key, *column.aliases):
            lookup[normalize_header(name)] = column
    return lookup
