"""The API description, for whoever scripts against the team API: ``/api/openapi.json`` and a
page listing it, ``/api/docs``. Both exist only when the server runs with ``cstrain serve
--api-docs``, and only for signed-in mentors and supervisors (a learner's browser needs neither;
without the option both are the same 404 as any unknown address).

The page is rendered here from the description, plain HTML with nothing from another host:
Swagger UI, FastAPI's default, loads its script and styles from a CDN, which an offline
intranet cannot reach and which would see who reads the page.
"""
from __future__ import annotations

from html import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from cstrain.errors import NotFound
from cstrain.i18n import msg
from cstrain.server.deps import Mentor, Team


async def _switched_on(ctx: Team) -> None:
    if not ctx.api_docs:
        raise NotFound(msg("cli_api_not_found"))


router = APIRouter(include_in_schema=False, dependencies=[Depends(_switched_on)])


@router.get("/openapi.json")
def description(request: Request, who: Mentor) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse)
def page(request: Request, who: Mentor) -> HTMLResponse:
    return HTMLResponse(render(request.app.openapi()))


def render(spec: dict) -> str:
    """The description as one HTML page: every operation with its parameters, body and answers."""
    info = spec.get("info", {})
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>{escape(info.get('title', 'API'))}</title></head><body>",
             f"<h1>{escape(info.get('title', 'API'))} {escape(str(info.get('version', '')))}</h1>",
             f"<p>{escape(info.get('description', ''))}</p>",
             "<p>The machine-readable description: <a href=\"/api/openapi.json\">"
             "/api/openapi.json</a>.</p>"]
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            parts.append(_operation(method, path, operation))
    parts.append("</body></html>")
    return "\n".join(parts)


def _operation(method: str, path: str, operation: dict) -> str:
    out = [f"<section><h2><code>{escape(method.upper())} {escape(path)}</code></h2>"]
    if operation.get("description"):
        out.append(f"<p>{escape(operation['description'])}</p>")
    parameters = operation.get("parameters", [])
    if parameters:
        out.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th></tr>")
        for p in parameters:
            out.append(f"<tr><td><code>{escape(p.get('name', ''))}</code></td>"
                       f"<td>{escape(p.get('in', ''))}</td><td>{'yes' if p.get('required') else 'no'}"
                       f"</td><td>{escape(_type(p.get('schema', {})))}</td></tr>")
        out.append("</table>")
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        out.append(f"<p>Body: <code>{escape(_type(body.get('schema', {})))}</code> (JSON)</p>")
    answers = ", ".join(f"{escape(code)} {escape(r.get('description', ''))}".strip()
                        for code, r in operation.get("responses", {}).items())
    out.append(f"<p>Answers: {answers}</p></section>")
    return "\n".join(out)


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))
