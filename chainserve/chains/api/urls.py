from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("chains", views.ChainViewSet, basename="chain")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("candidates", views.CandidateViewSet, basename="candidate")
router.register("leads", views.LeadViewSet, basename="lead")
urlpatterns = router.urls
