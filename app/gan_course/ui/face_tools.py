"""Face-GAN tools of lesson 3: reproduce the article, drive G by hand, compare hand and autograd gradients."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_course import plots
from gan_course.core.article import ARTICLE_FINAL, ARTICLE_TOLERANCE
from gan_course.core.config import preset
from gan_course.core.data import FACES, PIXELS
from gan_course.core.steps import autograd_gradients, face_outputs, hand_gradients
from gan_course.core.trainer import Trainer
from gan_course.i18n import N_, format_number
from gan_course.plots.labels import PIXEL_LABELS
from gan_course.ui import live_chart
from gan_course.ui.context import Context

PARAM_LABELS: dict[str, str] = {
    "G.weight": N_("G weight"),
    "G.bias": N_("G bias"),
    "D.weight": N_("D weight"),
    "D.bias": N_("D bias"),
}
UPDATE_LABELS: dict[str, str] = {
    "d_real": N_("D on the real face"),
    "d_fake": N_("D on the fake"),
    "g": N_("G against D"),
}
MANUAL_Z = (0.0, 0.25, 0.5, 0.75, 1.0)
SLIDER_RANGE = 6.0


def _entry_label(name: str, i: int, size: int, ctx: Context) -> str:
    label = ctx._(PARAM_LABELS[name])
    return label if size == 1 else f"{label} · {ctx._(PIXEL_LABELS[PIXELS[i]])}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _trained_face_gan() -> dict[str, np.ndarray] | None:
    """The parameters of this user's face-GAN widget, if they trained it."""
    run = st.session_state.get("face_gan.run")
    return None if run is None or run.last is None else run.last.params


def reproduce(ctx: Context) -> None:
    _ = ctx._
    if st.button(_("Reproduce the article"), key="reproduce"):
        cfg = preset("article")
        trainer = Trainer(cfg)
        with st.spinner(_("Training 1000 epochs …")):
            trainer.advance(cfg.total_steps)
        st.session_state["reproduce.params"] = trainer.snapshot().params
    params = st.session_state.get("reproduce.params")
    if params is None:
        return
    rows, worst = [], 0.0
    for name, printed in ARTICLE_FINAL.items():
        for i, (ours, theirs) in enumerate(zip(params[name], printed, strict=True)):
            diff = abs(float(ours) - float(theirs))
            worst = max(worst, diff)
            rows.append(
                [
                    _entry_label(name, i, printed.size, ctx),
                    format_number(float(theirs), ctx.lang, 8),
                    format_number(float(ours), ctx.lang, 8),
                    f"{diff:.1e}",
                ]
            )
    st.markdown(_table([_("Parameter"), _("Article"), _("This app"), _("Difference")], rows))
    if worst <= ARTICLE_TOLERANCE:
        st.success(
            _("All parameters agree with the article to within %(tol)s.")
            % {"tol": f"{ARTICLE_TOLERANCE:.0e}"}
        )
    else:
        st.error(_("The largest difference is %(diff)s.") % {"diff": f"{worst:.1e}"})


def manual(ctx: Context) -> None:
    _ = ctx._
    trained = _trained_face_gan()
    start = trained if trained is not None else ARTICLE_FINAL
    if trained is None:
        st.caption(_("D is the article's trained discriminator. Train the widget above to use your own."))
    cols = st.columns(4)
    weights, biases = np.zeros(4), np.zeros(4)
    for i, pixel in enumerate(PIXELS):
        label = _(PIXEL_LABELS[pixel])
        with cols[i]:
            for name, letter, values in (("G.weight", "w", weights), ("G.bias", "b", biases)):
                values[i] = st.slider(
                    f"{letter} · {label}",
                    -SLIDER_RANGE,
                    SLIDER_RANGE,
                    float(np.clip(start[name][i], -SLIDER_RANGE, SLIDER_RANGE)),
                    0.05,
                    key=f"manual.{letter}.{pixel}",
                )
    z = np.array(MANUAL_Z)
    faces, scores = face_outputs(weights, biases, start["D.weight"], start["D.bias"], z)
    titles = [
        f"z = {format_number(zi, ctx.lang, 2)}<br>D = {format_number(float(s), ctx.lang, 2)}"
        for zi, s in zip(z, scores, strict=True)
    ]
    fig = plots.faces_figure(faces, _, ctx.lang, titles=titles, projector=ctx.projector)
    live_chart.chart(fig, key="manual.faces")
    st.caption(_("D says 'real' with probability D(G(z)); above 0.5 it takes the drawing for a face."))


def gradients(ctx: Context) -> None:
    _ = ctx._
    trained = _trained_face_gan()
    params = trained if trained is not None else Trainer(preset("article")).snapshot().params
    face_index = st.selectbox(
        _("Real face x"), range(len(FACES)), format_func=lambda i: f"{i + 1}", key="gradients.face"
    )
    z = st.slider("z", 0.0, 1.0, 0.5, 0.01, key="gradients.z")
    x = FACES[face_index]
    hand = hand_gradients(params, x, z)
    auto = autograd_gradients(params, x, z)
    rows = []
    for update, grads in hand.items():
        for name, values in grads.items():
            for i, h in enumerate(np.ravel(values)):
                a = float(np.ravel(auto[update][name])[i])
                rows.append(
                    [
                        _(UPDATE_LABELS[update]),
                        _entry_label(name, i, np.size(values), ctx),
                        format_number(float(h), ctx.lang, 10),
                        format_number(a, ctx.lang, 10),
                        f"{abs(float(h) - a):.1e}",
                    ]
                )
    source = _("your trained widget") if trained is not None else _("the article's initial weights (seed 42)")
    st.caption(_("Gradients at the current parameters of %(source)s.") % {"source": source})
    st.markdown(_table([_("Update"), _("Parameter"), _("By hand"), _("Autograd"), _("Difference")], rows))
