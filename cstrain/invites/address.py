"""The team site's public address: where invite links point, resolved once.

In order, the first that is set wins:

1. ``--url`` given to the command;
2. the ``CSTRAIN_URL`` environment variable;
3. ``public_url:`` in ``team/server.yml`` (the team's setting, kept in git);
4. ``site_url:`` in ``mkdocs.yml``;
5. else ``http://127.0.0.1:<port>/``, which works only on this machine.

A loopback address (127.x, localhost, ::1, or 0.0.0.0, which is no address at all) in a link
handed to other people reaches nobody, so :attr:`PublicAddress.warning` says so, and
:func:`lan_addresses` lists what people on the office network can open when ``cstrain serve
--host 0.0.0.0`` listens on every interface.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import urlsplit

from cstrain.errors import Problem, SourceError, ValidationFailed
from cstrain.i18n import msg
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import load_yaml

ENV_VAR = "CSTRAIN_URL"
SETTINGS_FILE = Path("team") / "server.yml"


@dataclass(frozen=True)
class PublicAddress:
    url: str        # without a trailing slash: links are url + "/signin/#CODE"
    source: str     # where it came from, for messages: "--url", "CSTRAIN_URL", …

    @property
    def loopback(self) -> bool:
        return is_loopback(self.url)

    @property
    def warning(self) -> str | None:
        """Why links to this address would reach nobody else, or None."""
        if not self.loopback:
            return None
        return msg("cli_url_loopback", url=self.url, source=self.source,
                   file=SETTINGS_FILE.as_posix())


def check_url(value: str) -> str:
    """A web address as people will open it, without a trailing slash; ValueError if it is
    not one."""
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(msg("cli_url_not_web", text=text))
    if parts.query or parts.fragment:
        raise ValueError(msg("cli_url_query", text=text))
    return text.rstrip("/")


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def resolve_public_url(root: Path | None, *, given: str | None = None,
                       site_url: str | Callable[[], str | None] | None = None,
                       env: Mapping[str, str] | None = None, port: int = 8000) -> PublicAddress:
    """The address invite links use. ``root`` is the project (for ``team/server.yml``),
    ``site_url`` mkdocs.yml's, or a function that reads it (called only when nothing before it
    is set: reading mkdocs.yml loads MkDocs). Raises ValidationFailed for a bad value, naming
    where it is."""
    env = os.environ if env is None else env
    candidates = [("--url", given), (ENV_VAR, env.get(ENV_VAR) or None)]
    for source, value in candidates:
        if value:
            try:
                return PublicAddress(check_url(value), source)
            except ValueError as exc:
                raise ValidationFailed([Problem(source, 0, exc.args[0])]) from None
    setting = _team_setting(root)
    if setting is not None:
        return setting
    if callable(site_url):
        site_url = site_url()
    if site_url:
        try:
            return PublicAddress(check_url(site_url), "mkdocs.yml site_url")
        except ValueError as exc:
            raise ValidationFailed([Problem("mkdocs.yml", 0, msg(
                "cli_field_message", field="site_url", message=exc.args[0]))]) from None
    return PublicAddress(f"http://127.0.0.1:{port}", msg("cli_url_default"))


def _team_setting(root: Path | None) -> PublicAddress | None:
    if root is None or not (root / SETTINGS_FILE).is_file():
        return None
    rel = SETTINGS_FILE.as_posix()
    try:
        located = load_yaml(read_text(root / SETTINGS_FILE, rel), rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    data = located.data or {}
    if not isinstance(data, dict):
        raise ValidationFailed([Problem(rel, 1, msg("cli_server_yml_mapping"))])
    problems = [Problem(rel, located.line((key,)), msg("cli_server_yml_unknown", key=key))
                for key in data if key != "public_url"]
    url = None
    if data.get("public_url") is not None:
        try:
            url = check_url(data["public_url"])
        except ValueError as exc:
            problems.append(Problem(rel, located.line(("public_url",)), msg(
                "cli_field_message", field="public_url", message=exc.args[0])))
    if problems:
        raise ValidationFailed(problems)
    return PublicAddress(url, rel) if url else None


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that other machines may reach (not loopback or
    link-local), private networks first."""
    found = set(_interface_addresses())
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    usable = []
    for text in found:
        address = ipaddress.ip_address(text)
        if not (address.is_loopback or address.is_link_local or address.is_unspecified):
            usable.append(address)
    return [str(a) for a in sorted(usable, key=lambda a: (not a.is_private, a))]


def _interface_addresses() -> list[str]:
    """Every interface's IPv4 address, read from the kernel (Linux); [] elsewhere."""
    if not sys.platform.startswith("linux"):
        return []
    import fcntl

    siocgifaddr = 0x8915
    result = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), siocgifaddr, request)
            except OSError:  # an interface without an IPv4 address
                continue
            result.append(socket.inet_ntoa(answer[20:24]))
    return result


def serving_urls(host: str, port: int) -> list[str]:
    """What people on other machines open when ``cstrain serve`` listens on ``host``: for
    0.0.0.0 (or ::, every interface) this machine's LAN addresses; for one address, that one;
    [] for a loopback host, which nobody else reaches."""
    bare = host.strip("[]")
    if _every_interface(host):
        return [f"http://{address}:{port}/" for address in lan_addresses()]
    shown = f"[{bare}]" if ":" in bare else bare
    return [] if is_loopback(f"http://{shown}/") else [f"http://{shown}:{port}/"]


def _every_interface(host: str) -> bool:
    return host.strip("[]") in ("", "0.0.0.0", "::")


def serving_notes(root: Path | None, host: str, port: int,
                  site_url: str | Callable[[], str | None] | None = None,
                  env: Mapping[str, str] | None = None) -> list[str]:
    """What ``cstrain serve`` says once it listens on ``host``: the addresses people on the
    network open, and whether invite links point to one. Nothing for a loopback host (this
    machine only, or nginx in front)."""
    urls = serving_urls(host, port)
    if not urls:
        return [msg("cli_serve_no_lan")] if _every_interface(host) else []
    lines = [msg("cli_serve_lan", urls="  ".join(urls))]
    try:
        # what cstrain invite would use, which does not know this server's port
        public = resolve_public_url(root, site_url=site_url, env=env)
    except ValidationFailed as exc:
        return lines + [msg("cli_warning", message=problem.shown()) for problem in exc.problems]
    if public.loopback:
        lines.append(msg("cli_serve_links_loopback", url=public.url, source=public.source,
                         lan=urls[0].rstrip("/"), file=SETTINGS_FILE.as_posix(), env=ENV_VAR))
    else:
        lines.append(msg("cli_serve_links", url=public.url, source=public.source))
    return lines
