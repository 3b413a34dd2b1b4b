from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("visits", views.VisitViewSet, basename="visit")
urlpatterns = router.urls
