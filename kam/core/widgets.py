from django import forms


class AccountLookupWidget(forms.Widget):
    """Pick one account out of a million: a search box (htmx) that fills a hidden id."""

    template_name = "core/widgets/account_lookup.html"

    def get_context(self, name, value, attrs):
        from kam.accounts.models import Account

        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, ""):
            label = Account.objects.filter(pk=value).values_list("name", flat=True).first() or ""
        context["widget"]["label"] = label
        return context
