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
]
