from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from model_content.models import PaperBreakthrough, Stage, WorkshopStep
from model_content.selectors import barriers_with_content, model_version_original


def model_page(request: HttpRequest) -> HttpResponse:
    """The Audit Commission's wall chart, read-only. Public: it is a published model."""
    version = model_version_original()
    return render(
        request,
        "model_content/model.html",
        {
            "version": version,
            "barriers": barriers_with_content(version=version),
            "stages": Stage,
            "steps": WorkshopStep.objects.all(),
            "paper_breakthroughs": PaperBreakthrough.objects.all(),
        },
    )
