"""fast_select renders a filter's options from plain rows: the labels must equal the models' str()."""

import pytest
from django import forms
from django.utils import translation

from kam.accounts.models import Industry
from kam.accounts.tests.factories import IndustryFactory, TeamFactory, UserFactory
from kam.core.templatetags.kam import fast_select
from kam.users.models import Team, User


class PickForm(forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.order_by("username"), required=False)
    industry = forms.ModelChoiceField(queryset=Industry.objects.order_by("code"), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)


@pytest.mark.django_db
def test_labels_from_rows_equal_the_models_names():
    UserFactory(username="a-full", full_name="王芳", first_name="Fang", last_name="Wang")
    UserFactory(username="b-first-last", full_name="", first_name="Wei", last_name="Zhang")
    UserFactory(username="c-bare", full_name="", first_name="", last_name="")
    IndustryFactory(code="finance", name="金融", name_en="Finance")
    IndustryFactory(code="tobacco", name="烟草", name_en="")
    TeamFactory(name="East <China>")
    form = PickForm({"person": User.objects.get(username="c-bare").pk})

    with translation.override("en"):
        people = fast_select(form["person"])
        industries_en = fast_select(form["industry"])
        teams = fast_select(form["team"])
    with translation.override("zh-hans"):
        industries_zh = fast_select(form["industry"])

    people_ids = dict(User.objects.values_list("username", "pk"))
    assert people == (
        '<select name="person" id="id_person" class="form-select" aria-label="Person">'
        '<option value="">---------</option>'
        f'<option value="{people_ids["a-full"]}">王芳</option>'
        f'<option value="{people_ids["b-first-last"]}">Wei Zhang</option>'
        f'<option value="{people_ids["c-bare"]}" selected>c-bare</option></select>'
    )
    assert [str(u) for u in User.objects.order_by("username")] == ["王芳", "Wei Zhang", "c-bare"]
    assert ">Finance</option>" in industries_en and ">烟草</option>" in industries_en
    assert ">金融</option>" in industries_zh and ">烟草</option>" in industries_zh
    assert ">East &lt;China&gt;</option>" in teams


@pytest.mark.django_db
def test_a_field_with_its_own_labels_keeps_them():
    class Labelled(forms.ModelChoiceField):
        def label_from_instance(self, obj):
            return f"@{obj.username}"

    class Form(forms.Form):
        person = Labelled(queryset=User.objects.all(), required=False)

    user = UserFactory(username="zhangwei", full_name="张伟")
    assert f'<option value="{user.pk}">@zhangwei</option>' in fast_select(Form()["person"])
