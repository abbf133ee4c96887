"""Command line: train a preset headless, benchmark the engine, list the presets.

python -m gan_course train --preset article --json
python -m gan_course sweep --preset failure_collapse --seeds 16 --json
python -m gan_course bench --quick
python -m gan_course presets
python -m gan_course serve --replicas 2 --port 8501
python -m gan_course class new --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from gan_course import serve
from gan_course.classroom import commands
from gan_course.core.config import (
    ACTIVATIONS,
    ALL_GEN_LOSSES,
    DEVICES,
    DTYPES,
    LIMITS,
    METHODS,
    NOISES,
    OPTIMIZERS,
    TOY_SETS,
    ConfigError,
    TrainConfig,
    preset,
)

if TYPE_CHECKING:  # the model kinds train with torch: only the commands that train load them
    from gan_course.core.engines import ModelKind

EXIT_USAGE = 2  # argparse's code for bad arguments; we use it for out-of-range values too
SAMPLES = (1, 10_000)  # bounds of --samples: 10 000 digits are 640 000 numbers of JSON, about 12 MB


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line naming the option, like the core's (argparse adds its usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Presets:
    """The preset names as argparse's `choices`, asked of the model kinds only when a preset is checked."""

    def __contains__(self, name: object) -> bool:
        from gan_course.core.engines import presets

        return name in presets()

    def __iter__(self) -> Iterator[str]:
        from gan_course.core.engines import presets

        return iter(presets())


def _training_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose what trains, shared by `train` and `sweep`."""
    parser.add_argument(
        "--preset",
        default="article",
        choices=_Presets(),
        metavar="PRESET",
        help="starting configuration (default: article); see `presets`",
    )
    lo, hi = LIMITS["epochs"]
    parser.add_argument("--epochs", type=int, help=f"passes over the data, {lo}–{hi}")
    lo, hi = LIMITS["seed"]
    parser.add_argument("--seed", type=int, help=f"random seed, {lo}–{hi}; the same seed gives the same run")
    lo, hi = LIMITS["lr_d"]
    parser.add_argument("--lr", type=float, help=f"learning rate of both D and G, {lo:g}–{hi:g}")
    parser.add_argument("--lr-d", type=float, help="learning rate of D (overrides --lr)")
    parser.add_argument("--lr-g", type=float, help="learning rate of G (overrides --lr)")
    parser.add_argument(
        "--gen-loss",
        choices=ALL_GEN_LOSSES,
        help="G's loss: non-saturating −log D(G(z)) (article, default), saturating log(1 − D(G(z))), or "
        "least-squares ½(D(G(z)) − 1)² with D playing LSGAN's game too (2-D presets only)",
    )
    parser.add_argument("--optimizer", choices=OPTIMIZERS, help="sgd (the article) or adam")
    parser.add_argument("--device", choices=DEVICES, help="auto (cuda, then mps, then cpu), or a fixed one")
    parser.add_argument("--dtype", choices=DTYPES, help="float64 reproduces the article to the last digits")
    lo, hi = LIMITS["latent_dim"]
    parser.add_argument("--latent-dim", type=int, help="size of z (digits presets: 2–64, 2-D GANs: 1–16)")
    lo, hi = LIMITS["d_steps"]
    parser.add_argument("--d-steps", type=int, help=f"2-D presets: D updates per G update (k), {lo}–{hi}")
    lo, hi = LIMITS["hidden_units"]
    most = int(LIMITS["hidden_layers"][1])
    for net in ("g", "d"):
        parser.add_argument(
            f"--hidden-{net}",
            metavar="WIDTHS",
            help=f"2-D presets: {net.upper()}'s hidden layer widths, comma-separated (e.g. 16,16), "
            f"0–{most} layers of {lo}–{hi} units; an empty value for none",
        )
    parser.add_argument("--activation", choices=ACTIVATIONS, help="2-D presets: activation of hidden layers")
    parser.add_argument("--noise", choices=NOISES, help="2-D presets: p_z, N(0, I) or U(−1, 1)")
    parser.add_argument("--dataset", choices=TOY_SETS, help="2-D presets: the real data")
    parser.add_argument(
        "--regions", help="2-D presets with --dataset drawn: the lasso regions (see core/regions.py)"
    )
    _remedy_options(parser)


def _remedy_options(parser: argparse.ArgumentParser) -> None:
    """Lesson 6: how the Dirac-GAN's players step, and the remedies (the kinds that take each say so)."""
    parser.add_argument(
        "--method", choices=METHODS, help="Dirac-GAN: simultaneous, alternating or optimistic"
    )
    lo, hi = LIMITS["r1"]
    parser.add_argument("--r1", type=float, help=f"R1 penalty γ on real data, {lo:g}–{hi:g} (0: none)")
    lo, hi = LIMITS["instance_noise"]
    parser.add_argument("--instance-noise", type=float, help=f"instance noise σ, {lo:g}–{hi:g} (0: none)")
    lo, hi = LIMITS["ema"]
    parser.add_argument(
        "--ema", type=float, help=f"2-D presets: EMA of G's weights, β {lo:g}–{hi:g} (0: none)"
    )
    lo, hi = LIMITS["label_smoothing"]
    parser.add_argument(
        "--label-smoothing",
        type=float,
        help=f"2-D presets: D's label for real points, {lo:g}–{hi:g} (1: none)",
    )
    on = {"action": "store_const", "const": True}
    parser.add_argument("--spectral-norm", **on, help="2-D presets: spectral normalisation of D")
    parser.add_argument("--minibatch-std", **on, help="2-D presets: D also sees the minibatch's std")


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
    _training_options(train)
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

    sweep = sub.add_parser(
        "sweep",
        help="train one preset for several seeds and print each seed's final numbers",
        description="Train the preset (changed by the options below) for N seeds, --seed (default: the "
        "preset's) and the N − 1 after it, each exactly as `train --seed s`, and print each run's last "
        'record, or {"runs": [{"seed": s, ...}, ...]} with --json.',
    )
    _training_options(sweep)
    sweep.add_argument("--seeds", type=int, required=True, help="how many seeds, 1–64")
    sweep.add_argument("--json", action="store_true", help="print one JSON object instead of a table")

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
    commands.add_arguments(
        sub.add_parser(
            "class",
            help="the class view: `class new` creates a class and prints its links",
            description="The class view, where a lecturer sees the whole class's runs.",
        )
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
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "bench":
            return _bench(args)
        if args.command == "serve":
            return serve.run(args)
        if args.command == "class":
            return commands.run(args, f"{parser.prog} class {args.class_command}")
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
    from gan_course.core.engines import kind
    from gan_course.core.engines.report import Options, null_nans
    from gan_course.core.threads import use_training_threads
    from gan_course.core.trainer import Trainer

    # As in the app, so that a run gives the widget's numbers: one intra-op thread (core/threads.py).
    use_training_threads()
    config = _config(args)
    model = kind(config.model)
    _check_sampling(args, model)
    trainer = Trainer(config)
    start = time.perf_counter()
    snaps = model.history(trainer)
    seconds = time.perf_counter() - start
    if args.json:
        result = model.json(trainer, snaps, Options(args.preset, args.samples, args.label))
        print(json.dumps(null_nans(result), allow_nan=False))
    else:
        print(model.summary(trainer, snaps, seconds, args.preset))
    return 0


def _config(args: argparse.Namespace) -> TrainConfig:
    """The preset changed by the training options, validated by the core's one validator."""
    overrides: dict[str, Any] = {}
    if args.lr is not None:
        overrides["lr_d"] = overrides["lr_g"] = args.lr
    fields = ("epochs", "seed", "lr_d", "lr_g", "gen_loss", "optimizer", "device", "dtype", "latent_dim")
    fields += ("d_steps", "hidden_g", "hidden_d", "activation", "noise", "dataset", "regions", "method")
    fields += ("r1", "instance_noise", "ema", "label_smoothing", "spectral_norm", "minibatch_std")
    for field in fields:
        value = getattr(args, field)
        if value is not None:
            overrides[field] = value  # text widths ("16,16") are parsed by the core's one validator
    return preset(args.preset, **overrides)


def _sweep(args: argparse.Namespace) -> int:
    from gan_course.core.engines.report import null_nans
    from gan_course.core.sweep import seeds, sweep
    from gan_course.core.threads import use_training_threads

    use_training_threads()
    config = _config(args)
    seeds(config, args.seeds)  # a bad count fails before any training
    runs = []
    for run in sweep(config, args.seeds):
        runs.append(run)
        if not args.json:
            print("  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in run.items()))
    if args.json:
        print(json.dumps(null_nans({"runs": runs}), allow_nan=False))
    return 0


def _check_sampling(args: argparse.Namespace, model: ModelKind) -> None:
    """--samples and --label, before any training: ConfigError naming the option if they do not fit."""
    from gan_course.core.engines import families, kinds

    if args.samples is not None:
        if not model.takes_samples:
            names = families(k for k in kinds().values() if k.takes_samples)
            raise ConfigError(
                "samples", f"only the {names} presets draw samples; preset model is {model.name}"
            )
        lo, hi = SAMPLES
        if not lo <= args.samples <= hi:
            raise ConfigError("samples", f"must be an integer in [{lo}, {hi}], got {args.samples}")
    if args.label is not None:
        if not model.conditional:
            names = ", ".join(k.name for k in kinds().values() if k.conditional)
            raise ConfigError("label", f"only the {names} preset takes a label")
        if not 0 <= args.label <= 9:
            raise ConfigError("label", f"must be a digit 0–9, got {args.label}")


def _bench(args: argparse.Namespace) -> int:
    from gan_course.core.bench import format_bench, run_bench

    result = run_bench(quick=args.quick)
    print(json.dumps(result) if args.json else format_bench(result))
    return 0


def _presets() -> int:
    from gan_course.core.engines import kind, presets

    for name, cfg in presets().items():
        extra, tail = kind(cfg.model).describe(cfg)
        print(
            f"{name:18s} model {cfg.model}{extra}, {cfg.epochs} epochs ({cfg.total_steps} steps), "
            f"{cfg.optimizer} lr_d {cfg.lr_d:g} lr_g {cfg.lr_g:g}, {cfg.gen_loss}, {cfg.dtype}{tail}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
