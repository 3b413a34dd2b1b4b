from django.urls import path

from . import application_views, views

app_name = "resources"
urlpatterns = [
    path("import/", views.CatalogueImportView.as_view(), name="import"),
    path("applications/", application_views.ApplicationListView.as_view(), name="applications"),
    path("applications/figures/", application_views.ApplicationFiguresView.as_view(), name="application-figures"),
    path("applications/notice/", application_views.PublicNoticeView.as_view(), name="application-notice"),
    path("applications/<int:pk>/", application_views.ApplicationView.as_view(), name="application"),
    path("applications/<int:pk>/steps/<str:step>/", application_views.ApplicationStepView.as_view(),
         name="application-step"),
    path("applications/documents/<int:pk>/", application_views.ApplicationDocumentView.as_view(),
         name="application-document"),
    path("policies/<int:pk>/apply/", application_views.PolicyApplyView.as_view(), name="policy-apply"),
    path("policies/<int:pk>/applications/<str:action>/", application_views.PolicyBatchView.as_view(),
         name="policy-applications"),
]
for _kind in views.KINDS:
    urlpatterns += views.kind_urls(_kind)
