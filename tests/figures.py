"""Figures as tests read them: plots send arrays as plotly.js typed arrays (base64), tests want numbers."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from gan_course.plots.theme import array_values


def _plain(spec: Any) -> Any:
    if isinstance(spec, dict):
        if "bdata" in spec and "dtype" in spec:
            return array_values(spec)
        return {key: _plain(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [_plain(value) for value in spec]
    return spec


def readable(fig: go.Figure) -> go.Figure:
    """The same figure with every typed array decoded into a numpy array."""
    return go.Figure(_plain(fig.to_dict()))
