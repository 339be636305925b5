"""Competition endpoints: reads restricted like the pages, writes through the same services (and audit)."""

import abc

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kam.accounts.api.views import ServiceModelViewSet
from kam.competition import selectors, services
from kam.competition.api.serializers import (
    CompetitorSerializer,
    EvaluationSerializer,
    EvaluationWriteSerializer,
    GridInputSerializer,
    MatrixSerializer,
    MatrixWriteSerializer,
    RatingGridInputSerializer,
    SellingPointSerializer,
)
from kam.competition.filtersets import CompetitorFilterSet, EvaluationFilterSet, MatrixFilterSet
from kam.competition.models import Competitor


class CompetitorViewSet(ServiceModelViewSet):
    serializer_class = CompetitorSerializer
    filterset_class = CompetitorFilterSet
    keyset_orderings = {"name": ("name", "id")}
    keyset_default = "name"

    def get_queryset(self):
        return selectors.competitor_list(user=self.request.user, action=self.scope_action)

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        serializer.instance = services.competitor_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        serializer.instance = services.competitor_update(
            competitor=serializer.instance, actor=self.request.user, data=data, expected_version=version
        )

    def perform_destroy(self, instance):
        services.competitor_delete(competitor=instance, actor=self.request.user)


class _ViewBackedViewSet(ServiceModelViewSet, abc.ABC):
    """Reads answer with computed views (a page of them built in a fixed number of queries)."""

    read_serializer = None

    @abc.abstractmethod
    def views_of(self, records):
        """The computed views of `records`, in their order."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.read_serializer(self.views_of(page), many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.read_serializer(self.views_of([self.get_object()])[0]).data)

    def answer(self, record, code=status.HTTP_200_OK):
        fresh = self.get_queryset().model.objects.get(pk=record.pk)
        return Response(self.read_serializer(self.views_of([fresh])[0]).data, status=code)


class EvaluationViewSet(_ViewBackedViewSet):
    """GET the evaluations (grid, totals, ranking, gaps); POST/PATCH the bid and competitors; POST
    …/{id}/grid/ the whole grid of criteria, weights (total 1) and scores (1–5)."""

    serializer_class = EvaluationWriteSerializer
    read_serializer = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        action_ = "change" if self.action == "grid" else self.scope_action
        return selectors.evaluation_list(user=self.request.user, action=action_)

    def views_of(self, records):
        return selectors.evaluation_views(records)

    @extend_schema(responses={201: EvaluationSerializer})
    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data.get("opportunity") is None:
            raise serializers.ValidationError(
                {"opportunity": [_("Say which opportunity the evaluation is for.")]}
            )
        evaluation = services.evaluation_create(
            actor=request.user,
            opportunity=data["opportunity"],
            kind=data["kind"],
            competitors=data.get("competitors", []),
            template=data.get("template", ""),
            note=data.get("note", ""),
        )
        return self.answer(evaluation, status.HTTP_201_CREATED)

    @extend_schema(responses=EvaluationSerializer)
    def update(self, request, *args, **kwargs):
        evaluation = self.get_object()
        payload = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        data, version = self.split_version(payload)
        competitors = data.pop("competitors", None)
        data.pop("opportunity", None)
        data.pop("template", None)
        services.evaluation_update(
            evaluation=evaluation,
            actor=request.user,
            data=data,
            competitors=competitors,
            expected_version=version,
        )
        return self.answer(evaluation)

    def perform_destroy(self, instance):
        services.evaluation_delete(evaluation=instance, actor=self.request.user)

    @extend_schema(request=GridInputSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def grid(self, request, pk=None):
        """Save the whole grid: criteria in order, weights totalling 1, scores 1–5 per bidder id."""
        evaluation = self.get_object()
        payload = GridInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = [
            {**row, "cells": {int(k): v for k, v in row.pop("scores", {}).items() if k.isdigit()}}
            for row in payload.validated_data["rows"]
        ]
        services.evaluation_grid_save(
            evaluation=evaluation,
            actor=request.user,
            rows=rows,
            expected_version=payload.validated_data.get("version"),
        )
        return self.answer(evaluation)


class MatrixViewSet(_ViewBackedViewSet):
    """GET the competitiveness matrices (account or industry); POST/PATCH title, note, competitors; POST
    …/{id}/grid/ the whole grid of ratings (5 strong … 1 weak)."""

    serializer_class = MatrixWriteSerializer
    read_serializer = MatrixSerializer
    filterset_class = MatrixFilterSet
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        action_ = "change" if self.action == "grid" else self.scope_action
        return selectors.matrix_list(user=self.request.user, action=action_)

    def views_of(self, records):
        return selectors.matrix_views(records)

    @extend_schema(responses={201: MatrixSerializer})
    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        matrix = services.matrix_create(
            actor=request.user,
            account=data.get("account"),
            industry=data.get("industry"),
            title=data["title"],
            note=data.get("note", ""),
            competitors=data.get("competitors", []),
            product_lines=data.get("product_lines", []),
        )
        return self.answer(matrix, status.HTTP_201_CREATED)

    @extend_schema(responses=MatrixSerializer)
    def update(self, request, *args, **kwargs):
        matrix = self.get_object()
        payload = self.get_serializer(matrix, data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        data, version = self.split_version(payload)
        competitors = data.pop("competitors", None)
        services.matrix_update(
            matrix=matrix, actor=request.user, data=data, competitors=competitors, expected_version=version
        )
        return self.answer(matrix)

    def perform_destroy(self, instance):
        services.matrix_delete(matrix=instance, actor=self.request.user)

    @extend_schema(request=RatingGridInputSerializer, responses=MatrixSerializer)
    @action(detail=True, methods=["post"])
    def grid(self, request, pk=None):
        """Save the whole grid: product lines and factors in order, ratings per column id."""
        matrix = self.get_object()
        payload = RatingGridInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = [
            {**row, "cells": {int(k): v for k, v in row.pop("ratings", {}).items() if k.isdigit()}}
            for row in payload.validated_data["rows"]
        ]
        services.matrix_grid_save(
            matrix=matrix,
            actor=request.user,
            rows=rows,
            expected_version=payload.validated_data.get("version"),
        )
        return self.answer(matrix)


class SellingPointViewSet(ServiceModelViewSet):
    serializer_class = SellingPointSerializer
    keyset_orderings = {"id": ("id",)}
    keyset_default = "id"

    def get_queryset(self):
        points = selectors.selling_point_list(user=self.request.user, action=self.scope_action)
        return points.prefetch_related(Prefetch("competitors", queryset=Competitor.objects.only("id")))

    def perform_create(self, serializer):
        data, _version = self.split_version(serializer)
        account, competitors = data.pop("account"), data.pop("competitors", [])
        serializer.instance = services.selling_point_create(
            actor=self.request.user, account=account, data=data, competitors=competitors
        )

    def perform_update(self, serializer):
        data, version = self.split_version(serializer)
        data.pop("account", None)
        competitors = data.pop("competitors", None)
        serializer.instance = services.selling_point_update(
            selling_point=serializer.instance,
            actor=self.request.user,
            data=data,
            competitors=competitors,
            expected_version=version,
        )

    def perform_destroy(self, instance):
        services.selling_point_delete(selling_point=instance, actor=self.request.user)
