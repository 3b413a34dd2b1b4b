from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [path("import/", views.CatalogueImportView.as_view(), name="import")]
for _kind in views.KINDS:
    urlpatterns += views.kind_urls(_kind)
