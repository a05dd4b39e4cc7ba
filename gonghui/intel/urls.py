from django.urls import path

from gonghui.intel import views

app_name = "intel"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("batch/", views.document_batch, name="document_batch"),
    path("facts/", views.FactListView.as_view(), name="fact_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/reread/", views.document_reread, name="document_reread"),
    path("<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<int:pk>/file/", views.document_file, name="document_file"),
]
