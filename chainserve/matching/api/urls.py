from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rules", views.RuleViewSet, basename="rule")
router.register("matches", views.MatchViewSet, basename="match")
router.register("demand-resources", views.DemandResourceViewSet, basename="demand-resource")
urlpatterns = router.urls
