"""Editing a draft version: one field per text, one line per descriptor or point."""

from django import forms

from model_content.models import Stage
from model_content.version_file import ITEM_MAX, ITEMS_MAX, LIMITS


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea whose non-empty lines are the items, in order."""

    widget = forms.Textarea(attrs={"rows": 6})

    def clean(self, value):
        value = super().clean(value)
        items = _lines(value or "")
        if not items:
            raise forms.ValidationError("Give at least one, one per line.")
        if len(items) > ITEMS_MAX:
            raise forms.ValidationError(f"At most {ITEMS_MAX} lines.")
        for item in items:
            if len(item) > ITEM_MAX:
                raise forms.ValidationError(f"Each line has at most {ITEM_MAX} characters.")
        return items


class VersionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Name of this version")

    def __init__(self, *args, content: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.content = content
        self.initial.setdefault("title", content["title"])
        self.sections = []
        for b in content["barriers"]:
            slug = b["slug"]
            names = {
                "name": f"{slug}__name",
                "symptom": f"{slug}__symptom",
                "breakthrough_title": f"{slug}__breakthrough_title",
                "points": f"{slug}__points",
            }
            self.fields[names["name"]] = forms.CharField(
                max_length=LIMITS["name"], label="Barrier", initial=b["name"]
            )
            self.fields[names["symptom"]] = forms.CharField(
                max_length=LIMITS["symptom"],
                label="Symptom (what managers say)",
                initial=b["symptom"],
            )
            stages = []
            for stage, label in Stage.choices:
                cell = b["stages"][stage]
                prefix = f"{slug}__{stage}"
                self.fields[f"{prefix}__headline"] = forms.CharField(
                    max_length=LIMITS["headline"],
                    label=f"{label}: headline",
                    initial=cell["headline"],
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.fields[f"{prefix}__note"] = forms.CharField(
                    max_length=LIMITS["note"],
                    required=False,
                    label=f"{label}: note (optional)",
                    initial=cell.get("note", ""),
                )
                self.fields[f"{prefix}__descriptors"] = LinesField(
                    label=f"{label}: descriptors, one per line (reorder, add or delete lines)",
                    initial="\n".join(cell["descriptors"]),
                )
                stages.append(prefix)
            self.fields[names["breakthrough_title"]] = forms.CharField(
                max_length=LIMITS["breakthrough_title"],
                label="Breakthrough title",
                initial=b["breakthrough"]["title"],
            )
            self.fields[names["points"]] = LinesField(
                label="Breakthrough points, one per line",
                initial="\n".join(b["breakthrough"]["points"]),
            )
            self.sections.append(
                {"slug": slug, "name": b["name"], "names": names, "stages": stages}
            )

    def sections_bound(self):
        """For the template: each barrier's bound fields, in order."""
        for s in self.sections:
            fields = [self[s["names"]["name"]], self[s["names"]["symptom"]]]
            for prefix in s["stages"]:
                fields += [
                    self[f"{prefix}__headline"],
                    self[f"{prefix}__note"],
                    self[f"{prefix}__descriptors"],
                ]
            fields += [self[s["names"]["breakthrough_title"]], self[s["names"]["points"]]]
            yield {"name": s["name"], "slug": s["slug"], "fields": fields}

    def content_cleaned(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "source": self.content.get("source", ""),
            "barriers": [
                {
                    "slug": b["slug"],
                    "name": d[f"{b['slug']}__name"],
                    "symptom": d[f"{b['slug']}__symptom"],
                    "stages": {
                        stage: {
                            "headline": d[f"{b['slug']}__{stage}__headline"],
                            "note": d[f"{b['slug']}__{stage}__note"],
                            "descriptors": d[f"{b['slug']}__{stage}__descriptors"],
                        }
                        for stage in Stage.values
                    },
                    "breakthrough": {
                        "title": d[f"{b['slug']}__breakthrough_title"],
                        "points": d[f"{b['slug']}__points"],
                    },
                }
                for b in self.content["barriers"]
            ],
        }


class VersionImportForm(forms.Form):
    file = forms.FileField(
        label="Version file (.json)",
        help_text="Exported from Breakthrough by another organisation.",
    )

    MAX_BYTES = 1_000_000

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(
                "The file is too large for a version of the model (1 MB at most)."
            )
        return f
