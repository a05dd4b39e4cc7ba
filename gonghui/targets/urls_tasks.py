"""URL patterns of the targets app's tasks pages (included by targets/urls.py under the "targets" namespace)."""

from django.urls import path

from gonghui.targets import views_tasks as views

urlpatterns: list = [
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/overdue/", views.task_overdue, name="task_overdue"),
    path("tasks/add/", views.TaskEditView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", views.TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/notes/", views.task_note_add, name="task_note_add"),
    path("tasks/<int:pk>/milestones/<int:milestone_pk>/done/", views.task_milestone_done, name="task_milestone_done"),
    path("tasks/<int:pk>/step/<slug:step>/", views.task_step, name="task_step"),
    path("tasks/notes/<int:pk>/file/", views.task_note_file, name="task_note_file"),
]
