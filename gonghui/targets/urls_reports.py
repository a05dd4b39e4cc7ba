"""URL patterns of the targets app's reports pages (included by targets/urls.py under the "targets" namespace)."""

urlpatterns: list = []
