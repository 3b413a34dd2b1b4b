from django.urls import path

from . import views

app_name = "demands"
urlpatterns = [
    path("", views.DemandListView.as_view(), name="demands"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("queue/dispatch/", views.BulkDispatchView.as_view(), name="queue-dispatch"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("add/", views.DemandCreateView.as_view(), name="demand-add"),
    path("metrics/", views.MetricsView.as_view(), name="metrics"),
    path("rules/", views.DispatchRuleListView.as_view(), name="rules"),
    path("rules/add/", views.DispatchRuleEditView.as_view(), name="rule-add"),
    path("rules/<int:pk>/edit/", views.DispatchRuleEditView.as_view(), name="rule-edit"),
    path("rules/<int:pk>/history/", views.DispatchRuleHistoryView.as_view(), name="rule-history"),
    path("standard-replies/", views.StandardReplyListView.as_view(), name="standard-replies"),
    path("standard-replies/add/", views.StandardReplyEditView.as_view(), name="standard-reply-add"),
    path("standard-replies/<int:pk>/edit/", views.StandardReplyEditView.as_view(), name="standard-reply-edit"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/", views.DemandView.as_view(), name="demand"),
    path("<int:pk>/<slug:action>/", views.ActionView.as_view(), name="action"),
]
