"""Mix-in test suites for a model's pages (as NetBox's utilities/testing/views.py).

A concrete test class declares the model, its URL names and how to make an object
in a given organisation; each mix-in then tests its page three ways: without the
permission, with it, and against an object of another subtree (which must be 404).

The ``world`` fixture (tests/world.py) provides two subtrees: 武进区 (the acting
user's) and 天宁区 (the other one).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook


class SuiteBase:
    model: Any = None
    #: user attribute on ``world`` who holds the permissions, inside 武进区
    actor = "wujin_admin"
    #: user attribute on ``world`` with no permission on this model
    outsider = "nobody"

    def make_object(self, world, org) -> Any:
        """Create an object owned by (or being) ``org``."""
        raise NotImplementedError

    def own_org(self, world):
        return world.hutang

    def other_org(self, world):
        return world.chashan

    @pytest.fixture
    def own(self, world):
        return self.make_object(world, self.own_org(world))

    @pytest.fixture
    def other(self, world):
        return self.make_object(world, self.other_org(world))

    def client_for(self, client, user):
        client.force_login(user)
        return client


class ListSuite(SuiteBase):
    list_url_name = ""

    def test_list_requires_login(self, client, world):
        response = client.get(reverse(self.list_url_name))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_list_without_permission_is_403(self, client, world):
        response = self.client_for(client, getattr(world, self.outsider)).get(reverse(self.list_url_name))
        assert response.status_code == 403

    def test_list_shows_only_own_subtree(self, client, world, own, other):
        response = self.client_for(client, getattr(world, self.actor)).get(reverse(self.list_url_name))
        assert response.status_code == 200
        body = response.content.decode()
        assert str(own) in body
        assert str(other) not in body


class ExportSuite(SuiteBase):
    list_url_name = ""

    def test_export_xlsx_has_only_own_subtree(self, client, world, own, other):
        response = self.client_for(client, getattr(world, self.actor)).get(
            reverse(self.list_url_name) + "?export=xlsx"
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
        cells = {str(cell) for row in rows[1:] for cell in row}
        assert str(own) in cells
        assert str(other) not in cells

    def test_export_without_export_permission_is_403(self, client, world, own):
        response = self.client_for(client, getattr(world, self.outsider)).get(
            reverse(self.list_url_name) + "?export=xlsx"
        )
        assert response.status_code == 403


class DetailSuite(SuiteBase):
    detail_url_name = ""

    def test_detail_own(self, client, world, own):
        response = self.client_for(client, getattr(world, self.actor)).get(
            reverse(self.detail_url_name, args=[own.pk])
        )
        assert response.status_code == 200
        assert str(own) in response.content.decode()

    def test_detail_other_subtree_is_404(self, client, world, other):
        response = self.client_for(client, getattr(world, self.actor)).get(
            reverse(self.detail_url_name, args=[other.pk])
        )
        assert response.status_code == 404

    def test_detail_without_permission_is_404(self, client, world, own):
        response = self.client_for(client, getattr(world, self.outsider)).get(
            reverse(self.detail_url_name, args=[own.pk])
        )
        assert response.status_code == 404


class CreateSuite(SuiteBase):
    add_url_name = ""

    def form_data(self, world, org) -> dict:
        raise NotImplementedError

    def created(self, world, data) -> Any:
        """Find the object the valid POST created (None if none)."""
        raise NotImplementedError

    def test_create_without_permission_is_403(self, client, world):
        response = self.client_for(client, getattr(world, self.outsider)).get(reverse(self.add_url_name))
        assert response.status_code == 403

    def test_create_with_permission(self, client, world):
        client = self.client_for(client, getattr(world, self.actor))
        assert client.get(reverse(self.add_url_name)).status_code == 200
        data = self.form_data(world, self.own_org(world))
        response = client.post(reverse(self.add_url_name), data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert self.created(world, data) is not None

    def test_create_in_other_subtree_is_refused(self, client, world):
        client = self.client_for(client, getattr(world, self.actor))
        data = self.form_data(world, self.other_org(world))
        count = self.model.objects.count()
        response = client.post(reverse(self.add_url_name), data)
        assert response.status_code == 200  # the form comes back with an error
        assert self.model.objects.count() == count


class EditSuite(SuiteBase):
    edit_url_name = ""
    #: a field and a new value to post
    edit_field = "name"
    edit_value = "已修改的名称"

    def edit_data(self, world, obj) -> dict:
        raise NotImplementedError

    def test_edit_own(self, client, world, own):
        client = self.client_for(client, getattr(world, self.actor))
        url = reverse(self.edit_url_name, args=[own.pk])
        assert client.get(url).status_code == 200
        data = self.edit_data(world, own)
        data[self.edit_field] = self.edit_value
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        own.refresh_from_db()
        assert getattr(own, self.edit_field) == self.edit_value

    def test_edit_other_subtree_is_404(self, client, world, other):
        client = self.client_for(client, getattr(world, self.actor))
        url = reverse(self.edit_url_name, args=[other.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {self.edit_field: self.edit_value}).status_code == 404

    def test_edit_without_permission_is_403(self, client, world, own):
        url = reverse(self.edit_url_name, args=[own.pk])
        assert self.client_for(client, getattr(world, self.outsider)).get(url).status_code == 403


class DeleteSuite(SuiteBase):
    delete_url_name = ""

    def delete_data(self, world, obj) -> dict:
        return {}

    def is_deleted(self, obj) -> bool:
        return not type(obj)._base_manager.filter(pk=obj.pk).exists()

    def test_delete_asks_for_confirmation_then_deletes(self, client, world, own):
        client = self.client_for(client, getattr(world, self.actor))
        url = reverse(self.delete_url_name, args=[own.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert "确认" in response.content.decode()
        assert not self.is_deleted(own)
        response = client.post(url, self.delete_data(world, own))
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert self.is_deleted(own)

    def test_delete_other_subtree_is_404(self, client, world, other):
        client = self.client_for(client, getattr(world, self.actor))
        url = reverse(self.delete_url_name, args=[other.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, self.delete_data(world, other)).status_code == 404
        assert not self.is_deleted(other)


class CrudSuite(ListSuite, ExportSuite, DetailSuite, CreateSuite, EditSuite, DeleteSuite):
    """All of the above."""
