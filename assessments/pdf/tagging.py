"""PDF/UA tags that read as the document does: one structure element per HTML element,
however many pages it spans.

WeasyPrint (70) builds the tag tree page by page, so a table that runs onto a second page
becomes two /Table elements, the second without its caption, and a section or a paragraph
split by a page break becomes two as well: a screen reader announces a new table in the
middle of the action plan. ``pdf_write`` records which HTML element each structure element
was made for, and once the tree is built folds the pieces of one element on consecutive
pages back into the first: one table, with its caption, its rows in order, and the header
row it repeats on each page.
"""

from __future__ import annotations

import logging
import threading

import pydyf
from weasyprint.pdf import tags as weasyprint_tags

log = logging.getLogger(__name__)

# The tag builder is a module function that calls itself: while one document is written it
# is wrapped to record where each element came from. One document at a time per process.
_writing = threading.Lock()


def pdf_write(document, **options) -> bytes:
    """``document.write_pdf(**options)``, with the structure elements of split HTML elements
    folded into one (if this WeasyPrint builds its tags as 70 does; otherwise as it is)."""
    build = getattr(weasyprint_tags, "_build_box_tree", None)
    if build is None:
        log.warning("WeasyPrint's tag builder has changed: split tables stay split in the tags")
        return document.write_pdf(**options)
    origins: dict[bytes, object] = {}

    def recording(box, parent, *args):
        origin = getattr(box, "_box", box).element  # an absolute box's placeholder: its box
        for element in build(box, parent, *args):
            origins.setdefault(element.reference, origin)
            yield element

    def finisher(_document, pdf) -> None:
        if "StructTreeRoot" in pdf.catalog:
            _fold_split_elements(pdf, origins)

    with _writing:
        weasyprint_tags._build_box_tree = recording
        try:
            return document.write_pdf(finisher=finisher, **options)
        finally:
            weasyprint_tags._build_box_tree = build


def _object(pdf, reference: bytes):
    return pdf.objects[int(reference.split()[0])]


def _fold_split_elements(pdf, origins: dict[bytes, object]) -> None:
    moved: dict[bytes, bytes] = {}  # a folded piece → the element it now is part of

    def pieces_of_one(first: bytes, then: bytes) -> bool:
        a, b = _object(pdf, first), _object(pdf, then)
        return (
            origins.get(first) is not None
            and origins.get(first) is origins.get(then)
            and a.get("S") == b.get("S")
            # Only across a page break: on one page, one element's boxes are one element.
            and a.get("Pg") != b.get("Pg")
        )

    def fold(element) -> None:
        kids = pydyf.Array()
        for kid in element["K"]:
            last = kids[-1] if kids else None
            if (
                isinstance(kid, bytes)
                and isinstance(last, bytes)
                and kid in origins
                and pieces_of_one(last, kid)
            ):
                _append(pdf, _object(pdf, last), _object(pdf, kid))
                moved[kid] = last
                continue
            kids.append(kid)
        element["K"] = kids
        for kid in kids:
            if isinstance(kid, bytes) and kid in origins:
                fold(_object(pdf, kid))

    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    for document in root["K"]:
        fold(_object(pdf, document))

    def now(reference):
        while reference in moved:
            reference = moved[reference]
        return reference

    # The parent tree maps each page's marked content, and each link, to its element.
    nums = _object(pdf, root["ParentTree"])["Nums"]
    for i in range(1, len(nums), 2):
        if isinstance(nums[i], pydyf.Array):
            nums[i][:] = [now(r) for r in nums[i]]
        else:
            nums[i] = now(nums[i])


def _append(pdf, first, then) -> None:
    """The kids of ``then`` (a later page's piece) at the end of ``first``'s."""
    for kid in then["K"]:
        if isinstance(kid, int):
            # Marked content is numbered per page: say which page it is on.
            kid = pydyf.Dictionary({"Type": "/MCR", "Pg": then["Pg"], "MCID": kid})
        elif isinstance(kid, bytes):
            child = _object(pdf, kid)
            if isinstance(child, pydyf.Dictionary) and child.get("Type") == "/StructElem":
                child["P"] = first.reference
        first["K"].append(kid)
    then["K"] = pydyf.Array()
