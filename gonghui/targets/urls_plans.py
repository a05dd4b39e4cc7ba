"""URL patterns of the targets app's plans pages (included by targets/urls.py under the "targets" namespace)."""

from django.urls import path

from gonghui.targets import views

urlpatterns: list = [
    path("indicators/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("indicators/add/", views.IndicatorEditView.as_view(), name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.IndicatorDeleteView.as_view(), name="indicator_delete"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/add/", views.PlanEditView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan_delete"),
    path("plans/<int:pk>/issue/", views.PlanIssueView.as_view(), name="plan_issue"),
    path("plans/<int:pk>/weights/", views.plan_weights, name="plan_weights"),
    path("plans/<int:pk>/breakdown/", views.plan_breakdown, name="plan_breakdown"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/import/", views.plan_import, name="plan_import"),
    path("plans/<int:plan_pk>/targets/add/", views.TargetEditView.as_view(), name="target_add"),
    path("targets/<int:pk>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetRemoveView.as_view(), name="target_delete"),
]
