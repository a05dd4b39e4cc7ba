"""URL patterns of the reports app (the "reports" namespace): statistics annual returns."""

from django.urls import path

from gonghui.reports import views_returns as views

app_name = "reports"

urlpatterns: list = [
    path("returns/campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("returns/campaigns/open/", views.CampaignOpenView.as_view(), name="campaign_open"),
    path("returns/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("returns/campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("returns/", views.ReturnListView.as_view(), name="return_list"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/accept/", views.ReturnAcceptView.as_view(), name="return_accept"),
    path("returns/<int:pk>/return/", views.ReturnBackView.as_view(), name="return_back"),
    path("returns/<int:pk>/xlsx/", views.return_export, name="return_xlsx"),
    path("returns/<int:pk>/urge/", views.return_urge, name="return_urge"),
    path("returns/<int:pk>/children.xlsx", views.return_children_export, name="return_children_xlsx"),
]
