"""JSON API for the targets app's reports (added to the root API in gonghui/api.py)."""

from ninja import Router

router = Router(tags=["目标督办"])
