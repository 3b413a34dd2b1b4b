from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("financial-products", views.FinancialProductViewSet, basename="financial-product")
router.register("spaces", views.SpaceViewSet, basename="space")
router.register("equipment", views.EquipmentViewSet, basename="equipment")
router.register("experts", views.ExpertViewSet, basename="expert")
router.register("talent-programmes", views.TalentProgrammeViewSet, basename="talent-programme")
router.register("achievements", views.AchievementViewSet, basename="achievement")
router.register("policy-applications", views.PolicyApplicationViewSet, basename="policy-application")
urlpatterns = router.urls
