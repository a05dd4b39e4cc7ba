from django.urls import path

from gonghui.core import views_system as views

app_name = "core"

urlpatterns = [
    path("dicts/", views.DictTypeListView.as_view(), name="dict_list"),
    path("dicts/add/", views.DictTypeEditView.as_view(), name="dict_add"),
    path("dicts/<int:pk>/", views.dict_detail, name="dict_detail"),
    path("dicts/<int:pk>/edit/", views.DictTypeEditView.as_view(), name="dict_edit"),
    path("dicts/<int:pk>/delete/", views.DictTypeDeleteView.as_view(), name="dict_delete"),
    path("dicts/<int:type_pk>/items/add/", views.DictItemEditView.as_view(), name="dictitem_add"),
    path("dicts/items/<int:pk>/edit/", views.DictItemEditView.as_view(), name="dictitem_edit"),
    path("dicts/items/<int:pk>/delete/", views.DictItemDeleteView.as_view(), name="dictitem_delete"),
    path("changelog/", views.ChangeLogListView.as_view(), name="changelog_list"),
    path("changelog/<int:pk>/", views.changelog_detail, name="changelog_detail"),
    path("operations/", views.OperationLogListView.as_view(), name="operationlog_list"),
]
