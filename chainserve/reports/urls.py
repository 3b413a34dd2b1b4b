from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.BulletinView.as_view(), name="bulletin-live"),
    path("compose/", views.ComposeView.as_view(), name="compose"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletins"),
    path("bulletins/<int:pk>/", views.PublishedView.as_view(), name="bulletin"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("proposals/", views.ProposalsView.as_view(), name="proposals"),
    path("records/<str:key>/", views.RecordsView.as_view(), name="records"),
    path("industry-scale/", views.IndustryScaleListView.as_view(), name="scales"),
    path("industry-scale/add/", views.IndustryScaleEditView.as_view(), name="scale-add"),
    path("industry-scale/<int:pk>/edit/", views.IndustryScaleEditView.as_view(), name="scale-edit"),
]
