"""Planning endpoints: reads restricted like the pages, writes through the same services (and audit)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kam.accounts.api.views import ServiceModelViewSet
from kam.planning import selectors, services
from kam.planning.api.serializers import (
    BusinessLineSerializer,
    CriterionSerializer,
    IndustryRowSerializer,
    MeasureSerializer,
    PlanSerializer,
    ProfileSerializer,
    ResourceSerializer,
    ScoreSerializer,
)

_BY_ID = {"id": ("id",)}


class CriterionViewSet(ServiceModelViewSet):
    serializer_class = CriterionSerializer
    keyset_orderings = {"position": ("position", "id"), **_BY_ID}
    keyset_default = "position"

    def get_queryset(self):
        return selectors.criterion_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.criterion_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.criterion_update(
            criterion=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.criterion_delete(criterion=instance, actor=self.request.user)


class IndustryRowViewSet(ServiceModelViewSet):
    """The industries of the attractiveness matrix with their computed totals, stars and classes."""

    serializer_class = IndustryRowSerializer
    keyset_orderings = {"position": ("position", "id"), **_BY_ID}
    keyset_default = "position"

    def get_queryset(self):
        return selectors.row_list(user=self.request.user, action=self.scope_action)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["matrix_view"] = selectors.matrix_view(user=self.request.user)
        return context

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        industry = data.pop("industry")
        row = services.industry_row_create(actor=self.request.user, industry=industry, data=data)
        serializer.instance = row
        serializer.context["matrix_view"] = selectors.matrix_view(user=self.request.user)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("industry", None)
        serializer.instance = services.industry_row_update(
            row=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )
        serializer.context["matrix_view"] = selectors.matrix_view(user=self.request.user)

    def perform_destroy(self, instance):
        services.industry_row_delete(row=instance, actor=self.request.user)


class ScoreViewSet(ServiceModelViewSet):
    """Cells of the matrix. Creating a cell that exists replaces its score."""

    serializer_class = ScoreSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.score_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.score_set(
            row=data["row"], criterion=data["criterion"], value=data["value"], actor=self.request.user
        )

    def perform_update(self, serializer):
        score = serializer.instance
        data = serializer.validated_data
        if (
            data.get("row", score.row) != score.row
            or data.get("criterion", score.criterion) != score.criterion
        ):
            raise ValidationError({"row": _("A cell stays in its row and criterion; create another one.")})
        serializer.instance = services.score_set(
            row=score.row,
            criterion=score.criterion,
            value=data.get("value", score.value),
            actor=self.request.user,
        )

    def perform_destroy(self, instance):
        services.score_set(
            row=instance.row, criterion=instance.criterion, value=None, actor=self.request.user
        )


class ProfileViewSet(ServiceModelViewSet):
    serializer_class = ProfileSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.profile_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        industry = data.pop("industry")
        if selectors.profile_list(user=self.request.user).filter(industry=industry).exists():
            raise ValidationError({"industry": _("This industry has a profile already; change that one.")})
        serializer.instance = services.profile_save(actor=self.request.user, industry=industry, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("industry", None)
        serializer.instance = services.profile_save(
            actor=self.request.user,
            industry=serializer.instance.industry,
            data=data,
            expected_version=version,
        )

    def perform_destroy(self, instance):
        services.profile_delete(profile=instance, actor=self.request.user)


class BusinessLineViewSet(ServiceModelViewSet):
    serializer_class = BusinessLineSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.business_line_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.business_line_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.business_line_update(
            line=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.business_line_delete(line=instance, actor=self.request.user)


class PlanViewSet(ServiceModelViewSet):
    """Account plans, every version; POST creates version 1 (new versions are started on the page)."""

    serializer_class = PlanSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user, action=self.scope_action).select_related(None)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        serializer.instance = services.plan_create(actor=self.request.user, account=account, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        if "account" in data and data.pop("account") != serializer.instance.account:
            raise ValidationError({"account": _("A plan stays with its account.")})
        serializer.instance = services.plan_update(
            plan=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.plan_delete(plan=instance, actor=self.request.user)


class MeasureViewSet(ServiceModelViewSet):
    serializer_class = MeasureSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.measure_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        plan = data.pop("plan")
        serializer.instance = services.measure_create(actor=self.request.user, plan=plan, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        if "plan" in data and data.pop("plan") != serializer.instance.plan:
            raise ValidationError({"plan": _("A measure stays with its plan.")})
        serializer.instance = services.measure_update(
            measure=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.measure_delete(measure=instance, actor=self.request.user)


class ResourceViewSet(ServiceModelViewSet):
    serializer_class = ResourceSerializer
    keyset_orderings = _BY_ID
    keyset_default = "id"

    def get_queryset(self):
        return selectors.resource_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        plan = data.pop("plan")
        serializer.instance = services.resource_create(actor=self.request.user, plan=plan, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        if "plan" in data and data.pop("plan") != serializer.instance.plan:
            raise ValidationError({"plan": _("A resource stays with its plan.")})
        serializer.instance = services.resource_update(
            resource=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.resource_delete(resource=instance, actor=self.request.user)
