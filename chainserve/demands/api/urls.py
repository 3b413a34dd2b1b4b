from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("demands", views.DemandViewSet, basename="demand")
router.register("demand-categories", views.CategoryViewSet, basename="demand-category")
router.register("standard-replies", views.StandardReplyViewSet, basename="standard-reply")
router.register("dispatch-rules", views.DispatchRuleViewSet, basename="dispatch-rule")
urlpatterns = router.urls
