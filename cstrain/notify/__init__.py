"""Notifications: a daily digest to 企业微信 and 钉钉 group robots (``cstrain notify``).

:mod:`config` reads ``team/notify.yml``; :mod:`digest` works out and words what each group
hears; :mod:`platforms` knows each platform's JSON, signature and limits; :mod:`send` queues
the messages in the store's outbox and delivers them.
"""
from cstrain.notify.config import NotifyConfig, load_notify_config, parse_notify_config
from cstrain.notify.send import NotifyReport, RobotReport, send_digests

__all__ = ["NotifyConfig", "NotifyReport", "RobotReport", "load_notify_config",
           "parse_notify_config", "send_digests"]
