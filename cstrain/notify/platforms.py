"""The two group-robot platforms: their message JSON, 钉钉's signature, their limits, and how
their answers are read.

- 企业微信 (WeCom) group robot: POST the webhook address with ``{"msgtype": "markdown",
  "markdown": {"content": …}}`` (content at most 4,096 bytes of UTF-8) or ``{"msgtype":
  "text", "text": {"content": …}}`` (at most 2,048 bytes); 20 messages a minute per robot.
- 钉钉 (DingTalk) custom robot with 加签: POST the webhook address plus ``&timestamp=<ms>&sign=
  <s>``, where s is the URL-encoded Base64 of HMAC-SHA256(key = secret, message = timestamp
  + "\\n" + secret), the timestamp within an hour of DingTalk's clock; ``{"msgtype":
  "markdown", "markdown": {"title": …, "text": …}}``; 20 messages a minute per robot.
  cstrain keeps 钉钉 messages under 4,096 bytes as well.

Both answer ``{"errcode": 0, "errmsg": "ok"}`` on success. (Vendor documentation as
summarised in shared/reference/domain-facts.md, 2026-12: check the current limits.)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote_plus

from cstrain.notify.config import Robot

PER_MINUTE = 20
LIMITS = {("wecom", "markdown"): 4096, ("wecom", "text"): 2048, ("dingtalk", "markdown"): 4096}
# errcodes that mean "too many, too fast" or "busy": worth another try after a pause
RETRYABLE = {-1, 45009, 130101, 45033}


def size_limit(robot: Robot) -> int:
    """The most bytes one message's text may have on this robot."""
    return LIMITS[(robot.platform, robot.format)]


def payload(robot: Robot, title: str, text: str) -> dict:
    """The JSON body of one message, unsigned (钉钉 signs the address at sending time)."""
    if robot.platform == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if robot.format == "text":
        return {"msgtype": "text", "text": {"content": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's 加签: Base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), URL-encoded."""
    message = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def address(robot: Robot, timestamp_ms: int) -> str:
    """Where to POST: the webhook as given, and for 钉钉 the timestamp and signature too."""
    if robot.platform != "dingtalk":
        return robot.url
    sign = dingtalk_sign(robot.secret or "", timestamp_ms)
    joiner = "&" if "?" in robot.url else "?"
    return f"{robot.url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def verdict(status: int, body: bytes) -> tuple[bool, bool, str]:
    """(sent, worth retrying, what went wrong) from the platform's answer."""
    if status >= 500:
        return False, True, f"HTTP {status} from the robot's server"
    if status != 200:
        return False, status == 429, f"HTTP {status} from the robot's server"
    try:
        answer = json.loads(body.decode("utf-8"))
        code = int(answer.get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        return False, True, "the robot's server answered something that is not its JSON"
    if code == 0:
        return True, False, ""
    return False, code in RETRYABLE, f"errcode {code}: {str(answer.get('errmsg', ''))[:200]}"
