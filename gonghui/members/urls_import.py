from django.urls import path

from gonghui.members import views_import

app_name = "members_import"

urlpatterns = [
    path("", views_import.import_index, name="index"),
    path("template/", views_import.import_template, name="template"),
    path("export/", views_import.export_job, name="export"),
    path("<int:org_pk>/", views_import.import_page, name="import"),
]
