"""Plotly figures, defined once: drawn by plotly.js on screen and exported to SVG for the PDFs.

Pure functions of plain data, no request or query inside. The paper says the
model is "neither a formula to follow nor a scoring system" (para 65): the
stage axis is always the three stage names, in order, as categories; the
spread is counts of people, never an average.
"""

from __future__ import annotations

import datetime

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


TITLE_SPACE = 60  # pixels above the plot
ROW_SPACE = 60  # pixels per barrier
LANE = 0.12  # series trend: the gap between barriers' lanes within a stage (stages are 1 apart)


def _rows_height(rows: int) -> int:
    return ROW_SPACE * max(rows, 1)


def _layout(fig: go.Figure, *, title: str, plot: int, below: int) -> go.Figure:
    """The title, ``plot`` pixels of plot, then ``below`` for the axis and, last, the legend.

    The legend is placed in pixels from the foot of the figure, not as a fraction of
    the plot: a workshop on one or two barriers (para 69 suggests starting so) has a short plot,
    and a fraction of it put the legend on top of the axis.
    """
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font=FONT,
        height=TITLE_SPACE + plot + below,
        margin={"l": 10, "r": 10, "t": TITLE_SPACE, "b": below},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
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
    # Below the plot: tick labels, the axis title, the legend.
    return _layout(
        fig, title="Spread of individual ratings", plot=_rows_height(len(rows)), below=100
    )


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
    # Below the plot: the stage names, the legend.
    return _layout(fig, title="Consensus and target", plot=_rows_height(len(rows)), below=80)


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON for plotly.js; safe inside a ``<script type="application/json">``."""
    return pio.to_json(fig, validate=False).replace("</", "<\\/")


def figure_series_trend(points: list[dict]) -> go.Figure:
    """The stage of each barrier over a series of workshops: consensus (solid) and target (open).

    ``points``: ``{"date" (ISO), "barrier", "consensus", "target"}`` per workshop and barrier.
    The stage axis is always the three names in order (para 65: no scores); within a
    stage each barrier has its own lane, so six barriers agreed at the same stage on the
    same day are six marks, not one on top of the other.
    """
    fig = go.Figure()
    barriers = list(dict.fromkeys(p["barrier"] for p in points))
    symbols = ["circle", "square", "diamond", "triangle-up", "cross", "x"]
    # One colour per barrier for its consensus line and its target marks; each at least
    # 3:1 against white (WCAG 1.4.11), and told apart by the symbol too.
    colours = ["#1d3557", "#b5442c", "#2a7d4f", "#7b3294", "#8c6d1f", "#0b7a8a"]
    # The first barrier in the top lane of each band, as in the table above the chart.
    lane = {name: ((len(barriers) - 1) / 2 - i) * LANE for i, name in enumerate(barriers)}

    def trace(barrier: str, mine: list[dict], key: str, **kwargs) -> go.Scatter:
        # key is "consensus" or "target": which stage of each point this trace draws.
        return go.Scatter(
            x=[p["date"] for p in mine],
            y=[STAGE_LABELS.index(STAGE_LABEL[p[key]]) + lane[barrier] for p in mine],
            customdata=[STAGE_LABEL[p[key]] for p in mine],
            hovertemplate=f"{barrier}, %{{x|%-d %b %Y}}: {key} %{{customdata}}<extra></extra>",
            legendgroup=barrier,
            **kwargs,
        )

    for i, name in enumerate(barriers):
        symbol = symbols[i % len(symbols)]
        colour = colours[i % len(colours)]
        mine = sorted((p for p in points if p["barrier"] == name), key=lambda p: p["date"])
        done = [p for p in mine if p["consensus"]]
        fig.add_trace(
            trace(
                name,
                done,
                "consensus",
                name=name,
                mode="lines+markers",
                marker={"symbol": symbol, "size": 12, "color": colour},
                line={"color": colour},
            )
        )
        aimed = [p for p in mine if p["target"]]
        if aimed:
            fig.add_trace(
                trace(
                    name,
                    aimed,
                    "target",
                    name=f"{name}: target",
                    mode="markers",
                    marker={"symbol": f"{symbol}-open", "size": 12, "color": colour},
                    showlegend=False,
                )
            )
    if any(p["target"] for p in points):
        # The legend's key to the open marks; it draws nothing on the plot.
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                name="Target (open marks)",
                mode="markers",
                marker={"symbol": "circle-open", "size": 12, "color": "#6c757d"},
            )
        )
    fig.update_yaxes(
        tickvals=[0, 1, 2],
        ticktext=STAGE_LABELS,
        range=[-0.5, 2.5],
        zeroline=False,
        gridcolor="#e5e5e5",
    )
    fig.update_xaxes(
        type="date",
        title_text="Workshop",
        tickformat="%-d %b %Y",
        range=_date_range([p["date"] for p in points]),
        gridcolor="#e5e5e5",
    )
    # Below the plot: the dates, the axis title, and a legend of up to six barriers that
    # may take two lines.
    return _layout(fig, title="Stage of each barrier over time", plot=360, below=150)


def _date_range(dates: list[str]) -> list[str]:
    """The dates with room either side: never less than a few months across.

    Left to itself, plotly zooms a single workshop's date to milliseconds.
    """
    first = datetime.date.fromisoformat(min(dates))
    last = datetime.date.fromisoformat(max(dates))
    room = max((last - first) / 10, datetime.timedelta(days=45))
    return [(first - room).isoformat(), (last + room).isoformat()]
