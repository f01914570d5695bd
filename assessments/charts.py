"""Plotly figures, defined once: drawn by plotly.js on screen and exported to SVG for the PDFs.

Pure functions of plain data, no request or query inside. The paper says the
model is "neither a formula to follow nor a scoring system" (para 65): the
stage axis is always the three stage names, in order, as categories; the
spread is counts of people, never an average.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from model_content.models import Stage

STAGE_LABELS = [label for _value, label in Stage.choices]
STAGE_LABEL = dict(Stage.choices)
# Muted, print-friendly, and each told apart by text or marker shape too.
STAGE_COLOURS = {
    Stage.STARTING: "#c8553d",
    Stage.DEVELOPING: "#d9a33c",
    Stage.CONSOLIDATING: "#3f7d58",
}
STAGE_PATTERNS = {Stage.STARTING: "/", Stage.DEVELOPING: ".", Stage.CONSOLIDATING: ""}
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 14, "color": "#1b1b1b"}


def spread_rows(spreads, barriers) -> list[dict]:
    """Rows for ``figure_spread`` from ``ratings_revealed``: empty before the reveal."""
    if spreads is None:
        return []
    return [
        {"barrier": b.name, "counts": dict(spreads[b.pk].counts)}
        for b in barriers
        if b.pk in spreads
    ]


def outcome_rows(outcomes) -> list[dict]:
    """Rows for ``figure_consensus_target`` from ``workshop_outcome``."""
    return [
        {
            "barrier": o.barrier.name,
            "previous": o.previous_consensus.stage if o.previous_consensus else None,
            "consensus": o.consensus.stage if o.consensus else None,
            "target": o.target.stage if o.target else None,
        }
        for o in outcomes
    ]


def _layout(fig: go.Figure, *, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "y": -0.15, "x": 0},
    )
    return fig


def figure_spread(rows: list[dict]) -> go.Figure:
    """How many people put each barrier at each stage: stacked bars, one per barrier."""
    barriers = [r["barrier"] for r in rows][::-1]  # first barrier at the top
    fig = go.Figure()
    for value, label in Stage.choices:
        counts = [r["counts"].get(value, 0) for r in rows][::-1]
        fig.add_trace(
            go.Bar(
                name=label,
                y=barriers,
                x=counts,
                orientation="h",
                marker={
                    "color": STAGE_COLOURS[value],
                    "pattern": {"shape": STAGE_PATTERNS[value], "fgcolor": "white"},
                    "line": {"color": "white", "width": 1},
                },
                text=[f"{label}: {n}" if n else "" for n in counts],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate=f"%{{y}}: %{{x}} at {label}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(
        title_text="Number of people", dtick=1, gridcolor="#e5e5e5", rangemode="tozero"
    )
    fig.update_yaxes(automargin=True)
    return _layout(fig, title="Spread of individual ratings", height=120 + 60 * max(len(rows), 1))


def figure_consensus_target(rows: list[dict]) -> go.Figure:
    """Where the team agreed it is, where it wants to be, and where it was last time."""
    barriers = [r["barrier"] for r in rows][::-1]
    fig = go.Figure()
    # The step from consensus to target, drawn first so the markers sit on top.
    for r in rows:
        if r["consensus"] and r["target"]:
            fig.add_trace(
                go.Scatter(
                    x=[STAGE_LABEL[r["consensus"]], STAGE_LABEL[r["target"]]],
                    y=[r["barrier"], r["barrier"]],
                    mode="lines",
                    line={"color": "#1d3557", "width": 3},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    series = [
        ("previous", "Previous consensus", "circle-open", "#6c757d", 14),
        ("consensus", "Consensus", "circle", "#1d3557", 18),
        ("target", "Target", "diamond", "#2a7d4f", 18),
    ]
    for key, name, symbol, colour, size in series:
        points = [(STAGE_LABEL[r[key]], r["barrier"]) for r in rows if r.get(key)]
        if not points:
            continue
        fig.add_trace(
            go.Scatter(
                name=name,
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="markers",
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"width": 2}},
                hovertemplate=f"%{{y}}: {name.lower()} %{{x}}<extra></extra>",
            )
        )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=STAGE_LABELS,
        range=[-0.5, 2.5],
        gridcolor="#e5e5e5",
        showgrid=True,
    )
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=barriers, automargin=True
    )
    return _layout(fig, title="Consensus and target", height=140 + 60 * max(len(rows), 1))


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON for plotly.js; safe inside a ``<script type="application/json">``."""
    return pio.to_json(fig, validate=False).replace("</", "<\\/")


def figure_series_trend(points: list[dict]) -> go.Figure:
    """The stage of each barrier over a series of workshops: consensus (solid) and target (dotted).

    ``points``: ``{"date", "barrier", "consensus", "target"}`` per workshop and barrier.
    """
    fig = go.Figure()
    barriers = list(dict.fromkeys(p["barrier"] for p in points))
    symbols = ["circle", "square", "diamond", "triangle-up", "cross", "x"]
    for i, name in enumerate(barriers):
        mine = sorted((p for p in points if p["barrier"] == name), key=lambda p: p["date"])
        done = [p for p in mine if p["consensus"]]
        fig.add_trace(
            go.Scatter(
                name=name,
                x=[p["date"] for p in done],
                y=[STAGE_LABEL[p["consensus"]] for p in done],
                mode="lines+markers",
                marker={"symbol": symbols[i % len(symbols)], "size": 12},
                legendgroup=name,
            )
        )
        aimed = [p for p in mine if p["target"]]
        if aimed:
            fig.add_trace(
                go.Scatter(
                    name=f"{name}: target",
                    x=[p["date"] for p in aimed],
                    y=[STAGE_LABEL[p["target"]] for p in aimed],
                    mode="markers",
                    marker={"symbol": f"{symbols[i % len(symbols)]}-open", "size": 12},
                    legendgroup=name,
                    showlegend=False,
                )
            )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=STAGE_LABELS)
    fig.update_xaxes(type="date", title_text="Workshop")
    return _layout(fig, title="Stage of each barrier over time", height=420)
