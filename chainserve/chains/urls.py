from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.ChainListView.as_view(), name="chains"),
    path("add/", views.ChainEditView.as_view(), name="chain-add"),
    path("<int:pk>/", views.ChainView.as_view(), name="chain"),
    path("<int:pk>/edit/", views.ChainEditView.as_view(), name="chain-edit"),
    path("<int:pk>/map/", views.ChainMapView.as_view(), name="map"),
    path("<int:pk>/gaps/", views.GapView.as_view(), name="gaps"),
    path("segments/add/", views.SegmentEditView.as_view(), name="segment-add"),
    path("segments/<int:pk>/", views.SegmentView.as_view(), name="segment"),
    path("segments/<int:pk>/edit/", views.SegmentEditView.as_view(), name="segment-edit"),
    path("placements/", views.PlacementListView.as_view(), name="placements"),
    path("placements/add/", views.PlacementAddView.as_view(), name="placement-add"),
    path("candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("candidates/add/", views.CandidateEditView.as_view(), name="candidate-add"),
    path("candidates/import/", views.CandidateImportView.as_view(), name="candidate-import"),
    path("candidates/<int:pk>/", views.CandidateView.as_view(), name="candidate"),
    path("candidates/<int:pk>/edit/", views.CandidateEditView.as_view(), name="candidate-edit"),
    path("leads/", views.LeadListView.as_view(), name="leads"),
    path("leads/add/", views.LeadEditView.as_view(), name="lead-add"),
    path("leads/<int:pk>/", views.LeadView.as_view(), name="lead"),
    path("leads/<int:pk>/edit/", views.LeadEditView.as_view(), name="lead-edit"),
]
