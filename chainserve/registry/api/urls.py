from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("products", views.ProductViewSet, basename="product")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
router.register("corrections", views.CorrectionRequestViewSet, basename="correction")
router.register("regions", views.RegionViewSet, basename="region")
router.register("districts", views.RegionViewSet, basename="district")
router.register("labels", views.LabelViewSet, basename="label")
urlpatterns = router.urls
