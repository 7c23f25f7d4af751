"""The review page's local web server: 127.0.0.1 only, and every request must carry the
session's random token (in the page's address, then in a header of each API call).

A request from another address, with another Host (a page elsewhere that points a name at
127.0.0.1), or without the token is refused with 403 before anything is read or written.
The server holds no state of its own: every save goes to the review database at once.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
import secrets
import threading
import traceback
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..i18n import _, language, speaking
from .session import ReviewSession
from .store import Conflict, StoreError

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Review-Token"
MAX_BODY = 64 << 10
STATIC = {"/review.js": "text/javascript", "/review.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # the token is in the address
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_ITEM = re.compile(r"^/api/items/(\d+)$")
_COMMENT = re.compile(r"^/api/comments/(\d+)$")


def refusal(client: str, host: str | None, token: str | None, expected: str, port: int) -> str:
    """Why a request is refused ("" where it is allowed): it must come from this machine,
    name this server as its Host, and carry the session's token."""
    try:
        loopback = ipaddress.ip_address(client).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return "not from this machine"
    if host not in (f"{HOST}:{port}", f"localhost:{port}"):
        return "unexpected Host"
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        return "no valid token"
    return ""


class ReviewServer(ThreadingHTTPServer):
    """Serves one `ReviewSession` on 127.0.0.1 (`port` 0: any free port)."""

    daemon_threads = True

    def __init__(self, session: ReviewSession, port: int = 0, reviewer: str = "") -> None:
        super().__init__((HOST, port), _Handler)
        self.session = session
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(24)
        self.language = language()  # each request's thread speaks it (threads start bare)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="review-server", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: the terminal shows the address and the saves' errors only."""

    # -- access ------------------------------------------------------------------------------

    def _allowed(self) -> tuple[str, dict[str, list[str]]] | None:
        """The request's path and query where it may be served; else None, refused."""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        token = self.headers.get(TOKEN_HEADER) or (query.get("token") or [None])[0]
        why = refusal(
            self.client_address[0],
            self.headers.get("Host"),
            token,
            self.server.token,
            self.server.port,
        )
        if why:
            self._send(HTTPStatus.FORBIDDEN, {"error": why})
            return None
        return parts.path, query

    # -- responses ---------------------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: Any, content_type: str = "application/json") -> None:
        data = (
            body
            if isinstance(body, bytes)
            else json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        )
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError(_("request too large"))
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            raise ValueError(_("send JSON"))
        data = json.loads(self.rfile.read(length) or b"{}")
        if not isinstance(data, dict):
            raise ValueError(_("send a JSON object"))
        return data

    # -- routes ------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the base's name
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802 - the base's name
        self._guarded(self._post)

    def _guarded(self, route: Any) -> None:
        """Run `route` for an allowed request; a fault of dlgrade's own code is a 500 that
        says so (the traceback goes to the terminal), never a dropped connection."""
        allowed = self._allowed()
        if allowed is None:
            return
        try:
            with speaking(self.server.language):
                route(allowed[0])
        except Exception:  # noqa: BLE001 - reported as the grader's, the server goes on
            traceback.print_exc()
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": _("grader error")})

    def _get(self, path: str) -> None:
        session = self.server.session
        if path == "/":
            self._send(HTTPStatus.OK, _page(self.server).encode("utf-8"), "text/html")
        elif path in STATIC:
            data = resources.files("graders.review").joinpath("static").joinpath(path[1:])
            data = data.read_bytes()
            self._send(HTTPStatus.OK, data, STATIC[path])
        elif path == "/api/items":
            self._send(HTTPStatus.OK, session.summary())
        elif match := _ITEM.match(path):
            try:
                item = session.item(int(match.group(1)))
            except KeyError:
                self._send(HTTPStatus.NOT_FOUND, {"error": _("no such answer")})
                return
            self._send(HTTPStatus.OK, _item_json(session, item))
        else:
            self._send(HTTPStatus.NOT_FOUND, {"error": _("no such page")})

    def _post(self, path: str) -> None:
        session = self.server.session
        try:
            body = self._body()
            if path == "/api/marks":
                item = session.item(int(body["index"]))
                mark = session.save(
                    item,
                    float(body["points"]),
                    [int(i) for i in body.get("comments", [])],
                    int(body.get("version", 0)),
                    reviewer=self.server.reviewer,
                )
                self._send(HTTPStatus.OK, {"mark": _mark_json(session, item, mark)})
            elif path == "/api/comments":
                item = session.item(int(body["index"]))
                comment = session.store.add_comment(item.question.id, item.check.id, body["text"])
                self._send(HTTPStatus.OK, {"id": comment.id, "text": comment.text})
            elif match := _COMMENT.match(path):
                comment = session.store.edit_comment(int(match.group(1)), str(body["text"]))
                session.reports_changed()
                self._send(HTTPStatus.OK, {"id": comment.id, "text": comment.text})
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": _("no such page")})
        except Conflict as conflict:
            item = session.item(int(body["index"]))
            current = _mark_json(session, item, conflict.current) if conflict.current else None
            self._send(HTTPStatus.CONFLICT, {"error": "conflict", "mark": current})
        except (KeyError, ValueError, TypeError, StoreError) as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc) or type(exc).__name__})


def _mark_json(session: ReviewSession, item: Any, mark: Any) -> dict[str, Any]:
    return {
        "points": mark.points,
        "version": mark.version,
        "comments": [c.id for c in mark.comments],
        "state": session.state(item, mark),
        "reviewer": mark.reviewer,
        "updated": mark.updated,
    }


def _item_json(session: ReviewSession, item: Any) -> dict[str, Any]:
    answer, _digest = session.answer(item)
    question_title, check_title = session.title(item)
    mark = session.store.mark(*item.key)
    return {
        "index": item.index,
        "label": item.label,
        "question": {"id": item.question.id, "title": question_title},
        "check": {
            "id": item.check.id,
            "title": check_title,
            "points": item.points,
            "prompt": session.prompt(item),
            "recovered": session.recovered(item),
        },
        "answer": {
            "found": answer.found,
            "where": answer.where,
            "blocks": [
                {"kind": block.kind, "text": block.text, "cell": block.cell}
                for block in answer.blocks
            ],
        },
        "mark": _mark_json(session, item, mark) if mark else None,
        "comments": [
            {"id": c.id, "text": c.text}
            for c in session.store.comments(item.question.id, item.check.id)
        ],
    }


def _page(server: ReviewServer) -> str:
    """The page: a shell the script fills, with its words in the reader's language."""
    token = server.token
    words = json.dumps(page_words(), ensure_ascii=False).replace("<", "\\u003c")
    title = _("Written answers: {assignment}").format(assignment=server.session.rubric.assignment)
    return (
        f'<!doctype html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(title)}</title>\n"
        f'<link rel="stylesheet" href="/review.css?token={token}">\n'
        f'<script type="application/json" id="words">{words}</script>\n'
        f'<script src="/review.js?token={token}" defer></script>\n'
        "</head>\n<body>\n<noscript>"
        + _escape(_("The review page needs JavaScript."))
        + "</noscript>\n</body>\n</html>\n"
    )


def page_words() -> dict[str, str]:
    """Every word the page shows, translated."""
    return {
        "title": _("Written answers"),
        "left": _("{left} of {total} left"),
        "ungraded": _("only ungraded"),
        "previous": _("previous"),
        "next": _("next"),
        "score": _("score"),
        "of": _("of {points}"),
        "prompt": _("what a full answer says"),
        "recovered": _("what the code earned"),
        "answer": _("the student's answer"),
        "not_found": _("no answer found: the nearest cells are shown"),
        "comments": _("comments"),
        "new_comment": _("new comment (Enter adds it)"),
        "edit": _("edit"),
        "edit_prompt": _("the comment, for every answer it is given to"),
        "saved": _("saved"),
        "saving": _("saving…"),
        "loading": _("loading the next answer…"),
        "needs_score": _("give a score to save the comments"),
        "conflict": _(
            "another TA saved this answer meanwhile: their score is shown; yours was not saved"
        ),
        "failed": _("not saved: {error}"),
        "flagged": _("the answer changed since it was scored: review it again"),
        "pending": _("not scored yet"),
        "scored": _("scored"),
        "cell": _("cell {cell}"),
        "output": _("output of cell {cell}"),
        "figure": _("figure of cell {cell}"),
        "comment_block": _("comment in cell {cell}"),
        "nothing": _("no written answers to review"),
        "all_done": _("every answer is scored"),
        "keys": _(
            "keys: → or j next · ← or k previous · 0-9 score · Shift+1-9 a comment · "
            "c new comment · u only ungraded"
        ),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serve_review(
    session: ReviewSession, port: int, reviewer: str, open_browser: bool, console: Any
) -> int:
    """Serve the review page until Ctrl-C (or SIGTERM); then write the reports once more."""
    server = ReviewServer(session, port, reviewer)
    console.print(
        _("{count} written answer(s) to review, {left} left").format(
            count=len(session.items), left=session.left()
        ),
        markup=False,
    )
    console.print(_("review page: {url}").format(url=server.url), markup=False, soft_wrap=True)
    console.print(_("Ctrl-C ends the review; every score is saved as it is given"), markup=False)
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        session.close()
    console.print(
        _("the reports in {out} show the scores given").format(out=session.out_dir), markup=False
    )
    return 0
