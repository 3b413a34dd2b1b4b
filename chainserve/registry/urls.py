from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organizations"),
    path("organizations/add/", views.OrganizationEditView.as_view(), name="organization-add"),
    path("organizations/suggest/", views.SuggestView.as_view(), name="suggest"),
    path("organizations/<int:pk>/", views.OrganizationView.as_view(), name="organization"),
    path("organizations/<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization-edit"),
    path("organizations/<int:pk>/delete/", views.OrganizationDeleteView.as_view(), name="organization-delete"),
    path("organizations/<int:org>/products/add/", views.ProductEditView.as_view(), name="product-add"),
    path("organizations/<int:org>/products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product-edit"),
    path("organizations/<int:pk>/corrections/add/", views.CorrectionRequestView.as_view(), name="correction-add"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/<int:pk>/", views.CorrectionView.as_view(), name="correction"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/add/", views.PersonEditView.as_view(), name="person-add"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("relationships/", views.RelationshipListView.as_view(), name="relationships"),
    path("relationships/add/", views.RelationshipEditView.as_view(), name="relationship-add"),
    path("relationships/<int:pk>/edit/", views.RelationshipEditView.as_view(), name="relationship-edit"),
    path("import/", views.ImportView.as_view(), name="import"),
]
