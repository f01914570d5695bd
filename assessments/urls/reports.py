from django.urls import path

from assessments.views import reports

urlpatterns = [
    path("wallchart.pdf", reports.wallchart_pdf, name="wallchart_pdf"),
    path("report.pdf", reports.report_pdf, name="report_pdf"),
]
