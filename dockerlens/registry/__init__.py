"""Registries: a real one on 127.0.0.1, the daemon's /v2/ requests made visible.

>>> reg = start()                        # doctest: +SKIP
>>> reg.ref("alice/app", "1.0")          # doctest: +SKIP
'127.0.0.1:4xxxx/alice/app:1.0'
"""
from .auth import config_file, sent_headers
from .install import RegistryUnavailable
from .requests import Request, Requests, kind
from .server import LOG, Registry, online, running, start, stop_all

__all__ = ["LOG", "Registry", "RegistryUnavailable", "Request", "Requests", "config_file", "kind",
           "online", "running", "sent_headers", "start", "stop_all"]
