from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("committees/", views.CommitteeListView.as_view(), name="committees"),
    path("committees/add/", views.CommitteeEditView.as_view(), name="committee-add"),
    path("committees/<int:pk>/", views.CommitteeView.as_view(), name="committee"),
    path("committees/<int:pk>/edit/", views.CommitteeEditView.as_view(), name="committee-edit"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member-edit"),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/add/", views.MeetingEditView.as_view(), name="meeting-add"),
    path("meetings/<int:pk>/", views.MeetingView.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/<str:step>/", views.MeetingStepView.as_view(), name="meeting-step"),
    path("action-items/", views.ActionItemListView.as_view(), name="action-items"),
    path("action-items/<int:pk>/", views.ActionItemView.as_view(), name="action-item"),
    path("activities/", views.ActivityListView.as_view(), name="activities"),
    path("activities/add/", views.ActivityEditView.as_view(), name="activity-add"),
    path("activities/<int:pk>/", views.ActivityView.as_view(), name="activity"),
    path("activities/<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity-edit"),
    path("activities/<int:pk>/sign-up/", views.SignUpView.as_view(), name="sign-up"),
    path("activities/<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("registrations/<int:pk>/", views.RegistrationView.as_view(), name="registration"),
    path("registrations/<int:pk>/qr.svg", views.RegistrationQRView.as_view(), name="registration-qr"),
    path("check-in/", views.CheckInView.as_view(), name="check-in"),
    path("agreements/", views.AgreementListView.as_view(), name="agreements"),
    path("agreements/add/", views.AgreementEditView.as_view(), name="agreement-add"),
    path("agreements/<int:pk>/", views.AgreementView.as_view(), name="agreement"),
    path("agreements/<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement-edit"),
    path("visits/", views.VisitListView.as_view(), name="visits"),
    path("visits/add/", views.VisitEditView.as_view(), name="visit-add"),
    path("visits/<int:pk>/", views.VisitView.as_view(), name="visit"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit-edit"),
    path("mine/", views.MineView.as_view(), name="mine"),
]
