from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.forms import BootstrapFormMixin
from kam.users.models import User


class HandoverForm(BootstrapFormMixin, forms.Form):
    from_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Hand over from"))
    to_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Hand over to"))
    deactivate = forms.BooleanField(required=False, label=_("Deactivate the person handing over afterwards"))

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = users
        self.fields["to_user"].queryset = users.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", _("Choose a different person to hand over to."))
        return data


class TokenForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)
