"""Command line: train a preset headless, benchmark the engine, list the presets.

python -m gan_course train --preset article --json
python -m gan_course bench --quick
python -m gan_course presets
python -m gan_course serve --replicas 2 --port 8501
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from gan_course import serve
from gan_course.core.config import (
    ACTIVATIONS,
    ALL_GEN_LOSSES,
    BILINEAR_MODELS,
    DEVICES,
    DIGIT_MODELS,
    DTYPES,
    LIMITS,
    MLP_MODELS,
    NOISES,
    OPTIMIZERS,
    PRESETS,
    TOY_SETS,
    ConfigError,
    preset,
)

if TYPE_CHECKING:  # torch is imported only by the commands that train, so --help stays instant
    from gan_course.core.runner import Trainer
    from gan_course.core.snapshot import Snapshot

EXIT_USAGE = 2  # argparse's code for bad arguments; we use it for out-of-range values too
SAMPLES = (1, 10_000)  # bounds of --samples: 10 000 digits are 640 000 numbers of JSON, about 12 MB


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line naming the option, like the core's (argparse adds its usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m gan_course",
        description="Headless engine of the GAN course: train the slanted-island face GAN (and the other "
        "course models) without the web app, check the speed of the engine, list the presets.",
        epilog="Examples:\n"
        "  python -m gan_course train --preset article            # the article's numbers\n"
        "  python -m gan_course train --preset faces --seed 7 --gen-loss saturating --json\n"
        "  python -m gan_course train --preset gaussian --epochs 5\n"
        "  python -m gan_course train --preset digits --json --samples 500\n"
        "  python -m gan_course train --preset toy_ring8 --json --d-steps 3 --hidden-g 16,16 --samples 200\n"
        "  python -m gan_course bench --quick\n"
        "Exit status: 0 on success, 2 on invalid options (the message names the field and its range).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = sub.add_parser(
        "train",
        help="train one preset and print its final weights",
        description="Train one preset (optionally changed by the options below) to the end and print the "
        "final weights, like the article's print-out, or one JSON object with --json.",
    )
    train.add_argument(
        "--preset",
        default="article",
        choices=list(PRESETS),
        help="starting configuration (default: article); see `presets`",
    )
    lo, hi = LIMITS["epochs"]
    train.add_argument("--epochs", type=int, help=f"passes over the data, {lo}–{hi}")
    lo, hi = LIMITS["seed"]
    train.add_argument("--seed", type=int, help=f"random seed, {lo}–{hi}; the same seed gives the same run")
    lo, hi = LIMITS["lr_d"]
    train.add_argument("--lr", type=float, help=f"learning rate of both D and G, {lo:g}–{hi:g}")
    train.add_argument("--lr-d", type=float, help="learning rate of D (overrides --lr)")
    train.add_argument("--lr-g", type=float, help="learning rate of G (overrides --lr)")
    train.add_argument(
        "--gen-loss",
        choices=ALL_GEN_LOSSES,
        help="G's loss: non-saturating −log D(G(z)) (article, default), saturating log(1 − D(G(z))), or "
        "least-squares ½(D(G(z)) − 1)² with D playing LSGAN's game too (2-D presets only)",
    )
    train.add_argument("--optimizer", choices=OPTIMIZERS, help="sgd (the article) or adam")
    train.add_argument("--device", choices=DEVICES, help="auto (cuda, then mps, then cpu), or a fixed one")
    train.add_argument("--dtype", choices=DTYPES, help="float64 reproduces the article to the last digits")
    lo, hi = LIMITS["latent_dim"]
    train.add_argument("--latent-dim", type=int, help="size of z (digits presets: 2–64, 2-D GANs: 1–16)")
    lo, hi = LIMITS["d_steps"]
    train.add_argument("--d-steps", type=int, help=f"2-D presets: D updates per G update (k), {lo}–{hi}")
    lo, hi = LIMITS["hidden_units"]
    most = int(LIMITS["hidden_layers"][1])
    for net in ("g", "d"):
        train.add_argument(
            f"--hidden-{net}",
            metavar="WIDTHS",
            help=f"2-D presets: {net.upper()}'s hidden layer widths, comma-separated (e.g. 16,16), "
            f"0–{most} layers of {lo}–{hi} units; an empty value for none",
        )
    train.add_argument("--activation", choices=ACTIVATIONS, help="2-D presets: activation of hidden layers")
    train.add_argument("--noise", choices=NOISES, help="2-D presets: p_z, N(0, I) or U(−1, 1)")
    train.add_argument("--dataset", choices=TOY_SETS, help="2-D presets: the real data")
    train.add_argument(
        "--regions", help="2-D presets with --dataset drawn: the lasso regions (see core/regions.py)"
    )
    train.add_argument(
        "--samples",
        type=int,
        help=f"after training, G draws this many new samples ({SAMPLES[0]}–{SAMPLES[1]}) from latents "
        "fixed by the seed, for the JSON's `samples`: digits presets 64 pixels each (row-major, in [0, 1]); "
        "2-D presets points [x, y], with `g_gradients` at each",
    )
    train.add_argument(
        "--label",
        type=int,
        help="digits_conditional: draw every sample as this digit (0–9) instead of 0–9 in turn",
    )
    train.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")

    bench = sub.add_parser(
        "bench",
        help="time the torch engine against the article's numpy loop",
        description="Time the torch engine against the article's plain numpy loop and print the ratios "
        "(single run: target ≤ 3×; 1024 batched replicas vs one numpy run: target ≤ 10×).",
    )
    bench.add_argument("--quick", action="store_true", help="fewer epochs and replicas (a CI smoke test)")
    bench.add_argument("--json", action="store_true", help="print the measurements as JSON")

    sub.add_parser(
        "presets",
        help="list the presets and their settings",
        description="List the presets and their settings.",
    )
    serve.add_arguments(
        sub.add_parser(
            "serve",
            help="serve the course for a class: N app processes behind HAProxy",
            description="Start N app processes, each pinned to a core, and HAProxy in front of them with "
            "cookie stickiness; stays in the foreground until Ctrl-C or SIGTERM, then stops them all.",
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI; returns the exit status (0 ok, 2 invalid options)."""
    parser = _parser()
    args = parser.parse_args(argv)  # exits with status 2 on unknown options or bad types
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "bench":
            return _bench(args)
        if args.command == "serve":
            return serve.run(args)
        return _presets()
    except ConfigError as err:  # the core's one validator names the field; say it as the option it came from
        option = "--" + err.field.replace("_", "-")
        if err.field in ("lr_d", "lr_g") and getattr(args, err.field, None) is None:
            option = "--lr"  # both rates came from --lr
        print(f"{parser.prog}: error: {option}: {err.problem}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return EXIT_USAGE


def _train(args: argparse.Namespace) -> int:
    from gan_course.core.runner import Trainer
    from gan_course.core.threads import use_training_threads

    # As in the app, so that a run gives the widget's numbers: one intra-op thread (core/threads.py).
    use_training_threads()

    overrides: dict[str, Any] = {}
    if args.lr is not None:
        overrides["lr_d"] = overrides["lr_g"] = args.lr
    fields = ("epochs", "seed", "lr_d", "lr_g", "gen_loss", "optimizer", "device", "dtype", "latent_dim")
    fields += ("d_steps", "hidden_g", "hidden_d", "activation", "noise", "dataset", "regions")
    for field in fields:
        value = getattr(args, field)
        if value is not None:
            overrides[field] = value  # text widths ("16,16") are parsed by the core's one validator
    config = preset(args.preset, **overrides)
    _check_sampling(args, config.model)
    trainer = Trainer(config)
    if config.model in BILINEAR_MODELS:
        return _train_bilinear(args, trainer)
    start = time.perf_counter()
    history = _train_with_history(trainer)
    seconds = time.perf_counter() - start
    snap = history[-1]
    if args.json:
        result = _result(args.preset, trainer, snap)
        result["history"] = [_history_row(s) for s in history]
        if config.model in DIGIT_MODELS:
            result.update(_digit_samples(trainer, args))
        elif config.model in MLP_MODELS:
            result.update(_point_samples(trainer, snap, args))
        print(json.dumps(_null_nans(result), allow_nan=False))
    else:
        print(_summary(args.preset, trainer, snap, seconds))
    return 0


def _train_bilinear(args: argparse.Namespace, trainer: Trainer) -> int:
    """The bilinear game: `params` holds the final x and y, `history` one entry per snapshot from the start.

    The game has no data and no samples to draw: --samples is accepted (so every preset takes the same
    command line) and the JSON's `samples` is the path, one (x, y) per step from the start."""
    from gan_course.core.bilinear import distance, turns

    start = time.perf_counter()
    snaps = [trainer.snapshot(), *trainer.run()]
    seconds = time.perf_counter() - start
    snap = snaps[-1]
    params = {name: float(v[0]) for name, v in snap.params.items()}
    path = np.asarray(snap.samples)
    if not args.json:
        far = distance(path)
        print(
            f"preset {args.preset}: {trainer.config.epochs} steps, lr_x {trainer.config.lr_g:g}, "
            f"lr_y {trainer.config.lr_d:g}, {trainer.config.optimizer}, on {trainer.device}\n"
            f"{snap.status}: {snap.step} steps in {seconds:.2f} s. "
            f"x = {params['x']:.6f}, y = {params['y']:.6f}\n"
            f"distance from (0, 0): {far[0]:.4f} at the start, {far[-1]:.4f} at the end; "
            f"turns around it: {turns(path):.2f}"
        )
        return 0
    result = {
        "preset": args.preset,
        "config": trainer.config.to_dict(),
        "device": trainer.device,
        "steps": snap.step,
        "status": snap.status,
        "params": params,
        "history": [_xy(s) for s in snaps],
        "samples": path.tolist(),
    }
    print(json.dumps(result))
    return 0


def _xy(snap: Snapshot) -> dict[str, float]:
    return {"step": snap.step, "x": float(snap.params["x"][0]), "y": float(snap.params["y"][0])}


def _train_with_history(trainer: Trainer) -> list[Snapshot]:
    """Trains to the end; the snapshots at every multiple of the config's rhythm before the last epoch,
    at the start of the last epoch and at the end. So the last one's losses are means over the last epoch,
    as the summary reports them (a snapshot averages since the one before)."""
    config = trainer.config
    every, last_epoch = config.snapshot_every, trainer.total_steps - config.steps_per_epoch
    marks = sorted({*range(every, last_epoch, every), last_epoch, trainer.total_steps} - {0})
    history = []
    for mark in marks:
        trainer.advance(mark - trainer.step)
        history.append(trainer.snapshot())
        if trainer.finished:
            break
    return history


def _history_row(snap: Snapshot) -> dict[str, Any]:
    row: dict[str, Any] = {
        "step": snap.step,
        "epoch": snap.epoch,
        "d_loss": _num(snap.d_loss),
        "g_loss": _num(snap.g_loss),
        "d_real": _num(snap.d_real),
        "d_fake": _num(snap.d_fake),
    }
    if snap.js is not None:
        row["js"] = _num(snap.js)
        row["kl"] = _num(snap.kl if snap.kl is not None else math.nan)
    # Lesson 4: ‖∇θ_G L_G‖ over the G updates since the row before, and the mode numbers on ring8
    for name in ("g_grad_norm", "modes_covered", "high_quality"):
        value = getattr(snap, name)
        if value is not None:
            row[name] = value if isinstance(value, int) else _num(value)
    return row


def _point_samples(trainer: Trainer, snap: Snapshot, args: argparse.Namespace) -> dict[str, Any]:
    """2-D: the manifold, and --samples new points from latents fixed by the seed with G's push at each
    (without --samples: the snapshot's 256 points and their gradients)."""
    if args.samples is not None:
        points, grads = trainer.points(args.samples)
    else:
        points, grads = snap.samples, snap.g_gradients
    return {
        "samples": np.round(points, 6).tolist(),
        "g_gradients": np.round(np.asarray(grads), 6).tolist(),
        "manifold": [np.round(line, 6).tolist() for line in snap.manifold or []],
    }


def _check_sampling(args: argparse.Namespace, model: str) -> None:
    """--samples and --label, before any training: ConfigError naming the option if they do not fit."""
    if args.samples is not None:
        if model not in (*DIGIT_MODELS, *MLP_MODELS, *BILINEAR_MODELS):
            raise ConfigError(
                "samples", f"only the digits, 2-D and bilinear presets draw samples; preset model is {model}"
            )
        lo, hi = SAMPLES
        if not lo <= args.samples <= hi:
            raise ConfigError("samples", f"must be an integer in [{lo}, {hi}], got {args.samples}")
    if args.label is not None:
        if model != "digits_conditional":
            raise ConfigError("label", "only the digits_conditional preset takes a label")
        if not 0 <= args.label <= 9:
            raise ConfigError("label", f"must be a digit 0–9, got {args.label}")


def _digit_samples(trainer: Trainer, args: argparse.Namespace) -> dict[str, Any]:
    """New images from fresh z (seeded by the run's seed), not the training images; labels 0–9 in turn."""
    from gan_course.core.digits import N_SHOWN, shown_labels

    cfg = trainer.config
    n = args.samples if args.samples is not None else N_SHOWN
    z = np.random.default_rng([cfg.seed, 9]).standard_normal((n, cfg.latent_dim))
    out: dict[str, Any] = {}
    labels = None
    if cfg.model == "digits_conditional":
        labels = np.full(n, args.label) if args.label is not None else shown_labels(n)
        out["labels"] = [int(v) for v in labels]
    out["samples"] = np.round(trainer.generate(z, labels), 6).tolist()
    return out


def _null_nans(value: Any) -> Any:
    """The JSON object with NaN and ±inf as null: a diverged run has NaN weights and points, and `NaN` is
    not JSON (jq and JSON.parse refuse it)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _null_nans(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_null_nans(v) for v in value]
    return value


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None  # JSON has no NaN


def _result(name: str, trainer: Trainer, snap: Snapshot) -> dict[str, Any]:
    """The JSON object of `train --json`."""
    p = {k: v.tolist() for k, v in snap.params.items()}
    model = trainer.config.model
    out: dict[str, Any] = {
        "preset": name,
        "config": trainer.config.to_dict(),
        "device": trainer.device,
        "steps": snap.step,
        "status": snap.status,
    }
    if model in ("faces", "face_classifier"):
        out["generator"] = (
            None if model == "face_classifier" else {"weights": p["G.weight"], "biases": p["G.bias"]}
        )
        out["discriminator"] = {"weights": p["D.weight"], "bias": p["D.bias"][0]}
    else:
        out["generator"] = {"parameters": {k: v for k, v in p.items() if k.startswith("G.")}}
        out["discriminator"] = {"parameters": {k: v for k, v in p.items() if k.startswith("D.")}}
    out["samples"] = np.asarray(snap.samples).tolist()
    out["d_loss"], out["g_loss"] = _num(snap.d_loss), _num(snap.g_loss)  # means over the last epoch
    return out


def _summary(name: str, trainer: Trainer, snap: Snapshot, seconds: float) -> str:
    c = trainer.config
    lines = [
        f"preset {name}: model {c.model}, {c.epochs} epochs, seed {c.seed}, "
        f"lr_d {c.lr_d:g}, lr_g {c.lr_g:g}, "
        f"{c.optimizer}, {c.gen_loss} G loss, {c.dtype} on {trainer.device}",
        f"{snap.status}: {snap.step} steps in {seconds:.2f} s. {snap.message}".rstrip(),
    ]
    with np.printoptions(precision=8, suppress=True):
        if c.model in ("faces", "face_classifier"):
            if c.model == "faces":
                lines.append(f"Generator weights {snap.params['G.weight']}")
                lines.append(f"Generator biases {snap.params['G.bias']}")
            lines.append(f"Discriminator weights {snap.params['D.weight']}")
            lines.append(f"Discriminator bias {float(snap.params['D.bias'][0])!r}")
            label = "Generated faces (z evenly spaced in [0, 1])" if c.model == "faces" else "Noise images"
            lines.append(label + ", pixels top-left, top-right, bottom-left, bottom-right:")
            lines += [f"  {row}" for row in np.round(snap.samples, 3)]
        elif c.model in DIGIT_MODELS:
            for pname, value in snap.params.items():
                if pname.startswith("norm."):
                    lines.append(f"weight norm {pname.removeprefix('norm.')}: {float(value[0]):.4f}")
            lines.append(f"mean ink of the 64 fixed-noise digits {snap.samples.mean():.3f}")
        else:
            for pname, value in snap.params.items():
                lines.append(f"{pname} {np.round(value, 4)}")
            lines.append(
                f"generated mean {snap.samples.mean(axis=0).round(3)}, real mean "
                f"{snap.real.mean(axis=0).round(3) if snap.real is not None else '-'}"
            )
    lines.append(
        f"last epoch: d_loss {snap.d_loss:.4f}  g_loss {snap.g_loss:.4f}  D(real) {snap.d_real:.3f}  "
        f"D(fake) {snap.d_fake:.3f}"
    )
    return "\n".join(lines)


def _bench(args: argparse.Namespace) -> int:
    from gan_course.core.bench import format_bench, run_bench

    result = run_bench(quick=args.quick)
    print(json.dumps(result) if args.json else format_bench(result))
    return 0


def _presets() -> int:
    for name, cfg in PRESETS.items():
        extra = f", dataset {cfg.dataset}" if cfg.model in MLP_MODELS else ""
        batch = f", batch {cfg.batch_size}, n_real {cfg.n_real}" if cfg.model in ("gaussian", "toy") else ""
        if cfg.model in DIGIT_MODELS:
            batch = f", batch {cfg.batch_size}, latent {cfg.latent_dim}"
        print(
            f"{name:18s} model {cfg.model}{extra}, {cfg.epochs} epochs ({cfg.total_steps} steps), "
            f"{cfg.optimizer} lr_d {cfg.lr_d:g} lr_g {cfg.lr_g:g}, {cfg.gen_loss}, {cfg.dtype}{batch}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
