from django.urls import path

from assessments.views import reports
from assessments.views.reports import URL_NAMES

# Each document's file, and where its preparing page asks how its render stands.
PATHS = {
    "wallchart_pdf": ("wallchart.pdf", "wallchart/status/"),
    "report_pdf": ("report.pdf", "report/status/"),
    "report_docx": ("report.docx", "report-docx/status/"),
    "workbook_xlsx": ("action-plan-and-ratings.xlsx", "workbook/status/"),
    "actions_csv": ("action-plan.csv", "action-plan-csv/status/"),
    "ratings_csv": ("ratings.csv", "ratings-csv/status/"),
}

urlpatterns = [
    pattern
    for kind, name in URL_NAMES.items()
    for pattern in (
        path(PATHS[name][0], reports.document_download, {"kind": kind}, name=name),
        path(PATHS[name][1], reports.document_status, {"kind": kind}, name=f"{name}_status"),
    )
]
