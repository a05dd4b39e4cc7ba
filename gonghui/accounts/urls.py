from django.urls import path

from gonghui.accounts import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/active/", views.UserToggleActiveView.as_view(), name="user_toggle_active"),
    path("users/<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="user_reset_password"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/add/", views.DepartmentEditView.as_view(), name="department_add"),
    path("departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"),
    path("departments/<int:pk>/delete/", views.DepartmentDeleteView.as_view(), name="department_delete"),
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/add/", views.RoleEditView.as_view(), name="role_add"),
    path("roles/<int:pk>/", views.role_detail, name="role_detail"),
    path("roles/<int:pk>/edit/", views.RoleEditView.as_view(), name="role_edit"),
    path("roles/<int:pk>/delete/", views.RoleDeleteView.as_view(), name="role_delete"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/add/", views.token_add, name="token_add"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("login-log/", views.LoginLogListView.as_view(), name="loginlog_list"),
]
