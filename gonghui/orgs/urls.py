from django.urls import path

from gonghui.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.tree_search, name="tree_search"),
    path("<int:pk>/children/", views.tree_children, name="tree_children"),
    path("list/", views.OrganizationListView.as_view(), name="org_list"),
    path("add/", views.OrganizationEditView.as_view(), name="org_add"),
    path("<int:pk>/", views.org_detail, name="org_detail"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="org_edit"),
    path("<int:pk>/move/", views.OrganizationMoveView.as_view(), name="org_move"),
    path("<int:pk>/dissolve/", views.OrganizationDissolveView.as_view(), name="org_dissolve"),
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/add/", views.EmployerEditView.as_view(), name="employer_add"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.EmployerEditView.as_view(), name="employer_edit"),
    path("employers/<int:pk>/delete/", views.EmployerDeleteView.as_view(), name="employer_delete"),
]

# 建会 and 换届 (gonghui/orgs/urls_establishment.py)
from gonghui.orgs.urls_establishment import urlpatterns as establishment_urlpatterns  # noqa: E402

urlpatterns += establishment_urlpatterns
