"""Figures as tests read them: plots send arrays as plotly.js typed arrays (base64), tests want numbers;
AppTest pages hold them in chart elements (charts)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.plots.theme import TYPED_ARRAY_CODES
from gan_course.ui import live_chart

_DTYPES = {code: name for name, code in TYPED_ARRAY_CODES.items()}


def _is_typed(value: Any) -> bool:
    return isinstance(value, dict) and "bdata" in value and "dtype" in value


def array_values(value: Any) -> np.ndarray:
    """The numbers of a figure's array property, whether a typed array (theme.typed_array) or a plain one."""
    if not _is_typed(value):
        return np.asarray(value)
    dtype = np.dtype(_DTYPES[value["dtype"]]).newbyteorder("<")
    data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
    shape = value.get("shape")
    return data.reshape([int(n) for n in shape.split(",")]) if shape else data


def _plain(spec: Any) -> Any:
    if _is_typed(spec):
        return array_values(spec)
    if isinstance(spec, dict):
        return {key: _plain(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [_plain(value) for value in spec]
    return spec


def readable(fig: go.Figure) -> go.Figure:
    """The same figure with every typed array decoded into a numpy array."""
    return go.Figure(_plain(fig.to_dict()))


@dataclass(frozen=True)
class Chart:
    """A chart as an AppTest page holds it: its element's key and id, and the figure JSON the browser gets."""

    key: str
    id: str
    spec: str  # the figure as plotly JSON, as the page sends it to plotly.js

    @property
    def figure(self) -> dict[str, Any]:
        return json.loads(self.spec)


def charts(at: Any) -> list[Chart]:
    """Every chart an AppTest page drew, in page order: the course's charts (ui.live_chart, a
    components.v2 element whose data carries the figure) and the lasso plane (st.plotly_chart)."""
    out = []
    for element in at.get("bidi_component") + at.get("plotly_chart"):
        proto = element.proto
        if element.type == "plotly_chart":
            spec = proto.spec
        elif proto.component_name == live_chart.COMPONENT:
            data = json.loads(proto.bytes)
            if "figure" not in data:
                continue  # a pacer, a player or a holder of a played run (live_chart): no figure of its own
            spec = json.dumps(data["figure"])
        else:
            continue
        out.append(Chart(key=proto.id.split("-", 2)[-1], id=proto.id, spec=spec))
    return out
