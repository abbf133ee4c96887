"""`python -m gan_course class new [--json]`: make a class from the command line, as the class page does."""

from __future__ import annotations

import argparse
import json
import sys
from urllib.parse import urlencode

from gan_course.classroom import StoreURLError, check_url, open_store
from gan_course.classroom.store import DEFAULT_TTL_S, MAX_TTL_S, StoreError

CLASS_PATH = "/class"  # the class page's URL path (ui/shell.py names it)
EXIT_FAILED = 1


def student_url(code: str) -> str:
    """The link students open: the course's home page, in the class."""
    return "/?" + urlencode({"class": code})


def lecturer_url(code: str, key: str) -> str:
    """The lecturer's link: the class page with the key, which only this link carries."""
    return f"{CLASS_PATH}?" + urlencode({"class": code, "key": key})


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 60 <= hours * 3600 <= MAX_TTL_S:
        raise argparse.ArgumentTypeError(
            f"must be a number of hours in [0.017, {MAX_TTL_S // 3600}], got {text!r}"
        )
    return hours


def _store(text: str) -> str:
    try:
        return check_url(text)
    except StoreURLError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`class new`'s options, on the `class` subparser that cli.py creates."""
    sub = parser.add_subparsers(dest="class_command", required=True, metavar="new")
    new = sub.add_parser(
        "new",
        help="create a class and print its student link and the lecturer's link",
        description="Create a class in the store and print its code, the link for the students and the "
        "lecturer's link (which carries the lecturer key: keep it to yourself). Links are path and query "
        "on the app, e.g. http://HOST:8501 + the path.",
    )
    new.add_argument(
        "--json", action="store_true", help='print {"code": …, "student_url": …, "lecturer_url": …}'
    )
    new.add_argument(
        "--hours", type=_hours, default=DEFAULT_TTL_S / 3600, help="how long the class lasts (default 12)"
    )
    new.add_argument(
        "--store", type=_store, default=None, help="the store's URL (default: $GAN_COURSE_STORE)"
    )


def run(args: argparse.Namespace, prog: str) -> int:
    try:
        info, key = open_store(args.store).create_class(ttl_s=args.hours * 3600)
    except StoreError as err:
        print(f"{prog}: error: the class store is not available: {err}", file=sys.stderr)
        return EXIT_FAILED
    out = {
        "code": info.code,
        "student_url": student_url(info.code),
        "lecturer_url": lecturer_url(info.code, key),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"class {info.code}, open for {args.hours:g} h")
        print(f"students:  {out['student_url']}")
        print(f"lecturer:  {out['lecturer_url']}   (the key is the lecturer's: do not project it)")
    return 0
