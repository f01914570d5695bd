from django.apps import AppConfig


class ModelContentConfig(AppConfig):
    name = "model_content"
    verbose_name = "The breakthrough model"
