from django.urls import path

from assessments.models import PdfKind
from assessments.views import rollup

urlpatterns = [
    path("", rollup.rollup, name="rollup"),
    path("rollup.pdf", rollup.rollup_document, {"kind": PdfKind.ROLLUP}, name="rollup_pdf"),
    path("rollup.xlsx", rollup.rollup_document, {"kind": PdfKind.ROLLUP_XLSX}, name="rollup_xlsx"),
    path(
        "rollup-pdf/status/",
        rollup.rollup_document_status,
        {"kind": PdfKind.ROLLUP},
        name="rollup_pdf_status",
    ),
    path(
        "rollup-xlsx/status/",
        rollup.rollup_document_status,
        {"kind": PdfKind.ROLLUP_XLSX},
        name="rollup_xlsx_status",
    ),
    path("w/<uuid:code>/", rollup.rollup_workshop, name="rollup_workshop"),
    path("comparison/", rollup.comparison, name="comparison"),
    path("comparison/share/", rollup.comparison_share, name="comparison_share"),
]
