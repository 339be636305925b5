"""Exchange rates: administrators set them (audited), everyone reads them; bad rates change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kam.accounts import selectors, services
from kam.accounts.models import ExchangeRate
from kam.audit.models import ObjectChange
from kam.core.exceptions import StaleEditError


def rates_now() -> set[tuple]:
    return set(ExchangeRate.objects.values_list("currency", "rate", "version"))


def test_an_administrator_sets_a_rate_and_it_is_audited(world):
    assert selectors.exchange_rates() == {"CNY": Decimal(1)}
    rate = services.exchange_rate_set(actor=world.admin, currency="USD", rate=Decimal("7.10"))
    assert (rate.currency, rate.rate, rate.version) == ("USD", Decimal("7.10"), 1)
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.2", expected_version=1)
    assert selectors.exchange_rates() == {"CNY": Decimal(1), "USD": Decimal("7.200000")}
    changes = ObjectChange.objects.filter(content_type__model="exchangerate").order_by("pk")
    assert [change.action for change in changes] == ["create", "update"]
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.200000")  # same rate: no change
    assert changes.count() == 2


@pytest.mark.parametrize("persona", ["manager", "owner", "auditor"])
def test_no_one_else_sets_a_rate(world, persona):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    before, audited = rates_now(), ObjectChange.objects.count()
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(actor=getattr(world, persona), currency="USD", rate="9")
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(actor=getattr(world, persona), currency="EUR", rate="7.8")
    assert rates_now() == before and ObjectChange.objects.count() == audited


@pytest.mark.parametrize(
    ("currency", "rate", "field", "message"),
    [
        ("USD", "0", "rate", "The exchange rate must be greater than 0."),
        ("USD", "-7.1", "rate", "The exchange rate must be greater than 0."),
        ("USD", "seven", "rate", "Enter the exchange rate as a number, e.g. 7.1."),
        ("USD", "7.1234567", "rate", "Ensure that there are no more than 6 decimal places."),
        ("CNY", "1", "currency", "The reporting currency is always worth 1; it has no exchange rate to set."),
        ("JPY", "0.05", "currency", "Choose one of the currencies KAM knows."),
    ],
)
def test_bad_rates_are_refused_naming_the_field(world, currency, rate, field, message):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    before, audited = rates_now(), ObjectChange.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.exchange_rate_set(actor=world.admin, currency=currency, rate=rate)
    assert refused.value.message_dict == {field: [message]}
    assert rates_now() == before and ObjectChange.objects.count() == audited


def test_a_stale_edit_is_refused(world):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.2", expected_version=1)
    with pytest.raises(ValidationError):
        services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.3", expected_version=1)
    assert rates_now() == {("USD", Decimal("7.200000"), 2)}


def test_a_first_rate_set_meanwhile_by_someone_else_is_a_stale_edit(world, monkeypatch):
    """Two administrators set the first USD rate at once (the other's row lands between our check and our
    insert): the second is told to reload, not given a 500."""
    checked = ExchangeRate.full_clean

    def someone_was_quicker(self, *args, **kwargs):
        checked(self, *args, **kwargs)
        ExchangeRate.objects.bulk_create([ExchangeRate(currency=self.currency, rate=Decimal("7.05"))])

    monkeypatch.setattr(ExchangeRate, "full_clean", someone_was_quicker)
    audited = ObjectChange.objects.count()
    with pytest.raises(StaleEditError):
        services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    # (the other administrator's row was inserted in this test's own transaction, so it went too)
    assert rates_now() == set() and ObjectChange.objects.count() == audited


def test_the_reporting_currency_follows_the_setting(world, settings):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    settings.KAM_REPORTING_CURRENCY = "USD"
    assert selectors.exchange_rates() == {"USD": Decimal(1)}  # the CNY-based USD row does not count
    assert [row["currency"] for row in selectors.exchange_rate_table(user=world.owner)][0] == "USD"


def _post(rates: dict, versions: dict | None = None) -> dict:
    data = {f"rate_{code}": value for code, value in rates.items()}
    data.update({f"version_{code}": value for code, value in (versions or {}).items()})
    return data


def test_the_page_saves_all_rates_or_none(client, world):
    client.force_login(world.admin)
    url = reverse("accounts:exchange_rates")
    page = client.get(url).content.decode()
    assert 'data-testid="exchange-rates-form"' in page and 'name="rate_CNY"' not in page
    response = client.post(url, _post({"USD": "7.1", "EUR": "0", "HKD": ""}))
    assert response.status_code == 400
    assert "The exchange rate must be greater than 0." in response.content.decode()
    assert not ExchangeRate.objects.exists()  # USD was valid, but nothing is saved
    response = client.post(url, _post({"USD": "7.1", "EUR": "7.8", "HKD": ""}))
    assert response.status_code == 302
    assert selectors.exchange_rates() == {"CNY": 1, "USD": Decimal("7.1"), "EUR": Decimal("7.8")}
    response = client.post(url, _post({"USD": "", "EUR": "7.8", "HKD": ""}, {"USD": 1, "EUR": 1}))
    assert response.status_code == 400  # a rate once set cannot be emptied
    assert selectors.exchange_rates()["USD"] == Decimal("7.1")


def test_others_read_the_page_and_cannot_post(client, world):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    client.force_login(world.owner)
    url = reverse("accounts:exchange_rates")
    page = client.get(url).content.decode()
    assert "Administrators set the exchange rates." in page and "7.1" in page
    assert 'data-testid="exchange-rates-form"' not in page and 'name="rate_USD"' not in page
    assert client.post(url, _post({"USD": "9", "EUR": "7.8"})).status_code == 403
    assert rates_now() == {("USD", Decimal("7.100000"), 1)}


def test_the_administration_sidebar_links_the_page(client, world):
    client.force_login(world.manager)
    assert reverse("accounts:exchange_rates") in client.get(reverse("home")).content.decode()


def test_the_api_reads_for_everyone_and_writes_for_administrators(client, world):
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.1")
    client.force_login(world.owner)
    listed = client.get("/api/exchange-rates/").json()
    assert [(row["currency"], row["rate"], row["reporting"]) for row in listed] == [
        ("CNY", "1.000000", True),
        ("USD", "7.100000", False),
        ("EUR", None, False),
        ("HKD", None, False),
    ]
    url = "/api/exchange-rates/USD/"
    refused = client.put(url, {"rate": "9", "version": 1}, content_type="application/json")
    assert refused.status_code == 403 and rates_now() == {("USD", Decimal("7.100000"), 1)}
    client.force_login(world.admin)
    bad = client.put(url, {"rate": "0", "version": 1}, content_type="application/json")
    assert bad.status_code == 400 and bad.json() == {"rate": ["The exchange rate must be greater than 0."]}
    reporting = client.put("/api/exchange-rates/CNY/", {"rate": "2"}, content_type="application/json")
    assert reporting.status_code == 400 and list(reporting.json()) == ["currency"]
    assert rates_now() == {("USD", Decimal("7.100000"), 1)}
    blind = client.put(url, {"rate": "7.2"}, content_type="application/json")
    assert blind.status_code == 400 and list(blind.json()) == ["version"]
    assert rates_now() == {("USD", Decimal("7.100000"), 1)}
    saved = client.put(url, {"rate": "7.2", "version": 1}, content_type="application/json").json()
    assert (saved["rate"], saved["version"]) == ("7.200000", 2)
    stale = client.put(url, {"rate": "7.3", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    created = client.put("/api/exchange-rates/hkd/", {"rate": "0.92"}, content_type="application/json")
    assert created.json()["rate"] == "0.920000"
    assert client.get("/api/exchange-rates/JPY/").status_code == 404


def test_the_demo_sets_the_rates_once(world):
    from kam.accounts.demo import load_demo

    load_demo()
    expected = {"CNY": 1, "USD": Decimal("7.10"), "EUR": Decimal("7.80"), "HKD": Decimal("0.92")}
    assert selectors.exchange_rates() == expected
    services.exchange_rate_set(actor=world.admin, currency="USD", rate="7.2")
    load_demo()  # idempotent: an administrator's rate stays
    assert selectors.exchange_rates()["USD"] == Decimal("7.2")
