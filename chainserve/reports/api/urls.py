from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("industry-scales", views.IndustryScaleViewSet, basename="industry-scale")
urlpatterns = [*router.urls, path("proposals/", views.ProposalFiguresView.as_view(), name="proposal-figures")]
