"""Form plumbing every app shares: Bootstrap widgets and the optimistic-locking version field."""

from django import forms


def style_widgets(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget the Bootstrap class it needs and a label for screen readers."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            css = ""
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if css and css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("aria-label", str(field.label or ""))
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
    return form


class BootstrapFormMixin:
    """Bootstrap widgets, and invalid fields marked for the eye and for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"


class VersionedModelForm(BootstrapFormMixin, forms.ModelForm):
    """A ModelForm carrying the record's version, so a stale save can be refused (not overwrite)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    #: Fields a service fills in when the form leaves them empty (the owner defaults to the actor).
    service_defaults = frozenset({"owner"})

    def changed_data_dict(self) -> dict:
        """The model fields of the form (not many-to-many, not `version`) as service input."""
        m2m = {f.name for f in self.instance._meta.many_to_many}
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "version" and k not in m2m and not (v is None and k in self.service_defaults)
        }

    def m2m_data(self) -> dict:
        m2m = {f.name for f in self.instance._meta.many_to_many}
        return {k: v for k, v in self.cleaned_data.items() if k in m2m}
