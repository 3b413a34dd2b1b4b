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
router.register("committee-members", views.CommitteeMemberViewSet, basename="committee-member")
router.register("alliances", views.AllianceViewSet, basename="alliance")
router.register("alliance-members", views.AllianceMemberViewSet, basename="alliance-member")
router.register("pairings", views.PairingViewSet, basename="pairing")
router.register("instructors", views.InstructorViewSet, basename="instructor")
router.register("coverages", views.CoverageViewSet, basename="coverage")
router.register("annual-lists", views.AnnualListViewSet, basename="annual-list")
router.register("list-items", views.ListItemViewSet, basename="list-item")
urlpatterns = router.urls
