"""URL patterns of the bulletin (通报) pages (included by targets/urls.py under the "targets" namespace)."""

from django.urls import path

from gonghui.targets import views_bulletins as views

urlpatterns: list = [
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/<int:pk>/delete/", views.BulletinDeleteView.as_view(), name="bulletin_delete"),
    path("bulletins/<int:pk>/<slug:fmt>/", views.bulletin_download, name="bulletin_download"),
    path("bulletins/template/", views.bulletin_template, name="bulletin_template"),
    path("bulletins/template/file/", views.bulletin_template_download, name="bulletin_template_download"),
    path("bulletins/template/reset/", views.bulletin_template_reset, name="bulletin_template_reset"),
]
