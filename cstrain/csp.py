"""The Content-Security-Policy of a built site: no script runs unless it is a file of the site or
an inline script whose SHA-256 the build found in the pages.

cstrain's own markup has no inline script (data travels as ``<script type="application/json">``,
which a browser never runs). Material's ``base.html`` has a few small ones (``__md_scope``, which
differs with a page's depth, the colour palette, the tabbed blocks): the build collects their
hashes from every page it writes (:func:`inline_script_hashes`) and records them with the policy
in ``assets/cstrain/csp.json`` (:data:`CSP_FILE`); ``cstrain serve`` sends that policy with every
answer, and a static site's web server can send the same (docs/team-mode.md has nginx's line).

Styles: Material sets ``style`` attributes in its markup and scripts, so ``style-src`` allows
inline styles; a style cannot run code, and every other source is the site itself.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Iterable

CSP_FILE = "assets/cstrain/csp.json"
"""Where a build records its inline scripts' hashes and its policy, relative to the site."""

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# types a browser runs, hence script-src governs (anything else, e.g. application/json, is data)
_RUN = {"", "module", "importmap", "text/javascript", "application/javascript", "text/ecmascript",
        "application/ecmascript", "text/jscript", "text/livescript", "application/x-javascript",
        "text/x-javascript", "application/x-ecmascript", "text/x-ecmascript"}


def inline_script_hashes(html: str) -> set[str]:
    """The CSP source (``'sha256-…'``) of each inline script in ``html`` that a browser would run."""
    found = set()
    for attrs, body in _SCRIPT.findall(html):
        if _SRC.search(attrs):
            continue
        typed = _TYPE.search(attrs)
        kind = next((g for g in typed.groups() if g is not None), "") if typed else ""
        if kind.strip().lower() not in _RUN:
            continue
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return found


def policy(hashes: Iterable[str]) -> str:
    """The policy for a site whose inline scripts have these hashes (``'sha256-…'``)."""
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *sorted(set(hashes))]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def record(hashes: Iterable[str]) -> str:
    """The text of ``csp.json``: the hashes and the policy made of them."""
    hashes = sorted(set(hashes))
    return json.dumps({"script_hashes": hashes, "policy": policy(hashes)}, indent=1) + "\n"


def site_policy(site_dir: Path) -> str:
    """The policy of the site built in ``site_dir``: from its ``csp.json``, or, for a site built
    without one, from the inline scripts of its pages (read once, at start-up)."""
    recorded = site_dir / CSP_FILE
    if recorded.is_file():
        try:
            return policy(json.loads(recorded.read_text(encoding="utf-8"))["script_hashes"])
        except (ValueError, KeyError, TypeError):
            pass  # damaged: read the pages instead
    hashes: set[str] = set()
    for page in site_dir.rglob("*.html"):
        hashes |= inline_script_hashes(page.read_text(encoding="utf-8", errors="replace"))
    return policy(hashes)
