from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("rules/", views.RuleListView.as_view(), name="rules"),
    path("rules/add/", views.RuleVersionView.as_view(), name="rule-add"),
    path("rules/preview/", views.RulePreviewView.as_view(), name="rule-preview"),
    path("rules/benefits-preview/", views.BenefitsPreviewView.as_view(), name="benefits-preview"),
    path("rules/<int:pk>/", views.RuleView.as_view(), name="rule"),
    path("rules/<int:pk>/edit/", views.RuleVersionView.as_view(), name="rule-edit"),
    path("rules/<int:pk>/qualifying/", views.QualifyingListView.as_view(), name="qualifying"),
    path("mine/", views.MatchedForYouView.as_view(), name="mine"),
    path("matches/<int:pk>/", views.MatchView.as_view(), name="match"),
    path("matches/<int:pk>/declare/", views.DeclareView.as_view(), name="declare"),
    path("matches/<int:pk>/<str:action>/", views.MatchStateView.as_view(), name="match-state"),
    path("demands/<int:pk>/suggestions/", views.SuggestionsView.as_view(), name="suggestions"),
    path("demands/<int:pk>/attach/", views.AttachView.as_view(), name="attach"),
]
