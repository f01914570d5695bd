from django.urls import path

from assessments.views import reports

urlpatterns = [
    path("wallchart.pdf", reports.wallchart_pdf, name="wallchart_pdf"),
    path("report.pdf", reports.report_pdf, name="report_pdf"),
    path("wallchart/status/", reports.wallchart_pdf_status, name="wallchart_pdf_status"),
    path("report/status/", reports.report_pdf_status, name="report_pdf_status"),
]
