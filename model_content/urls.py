from django.urls import path

from model_content import views

urlpatterns = [
    path("", views.model_page, name="model_page"),
]
