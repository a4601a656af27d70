"""Registries: a real one on 127.0.0.1, the daemon's /v2/ requests made visible.

In a lesson (it starts a server, so it is shown rather than run as a doctest)::

    reg = lens.registry.start()
    reg.ref("alice/app", "1.0")      # '127.0.0.1:PORT/alice/app:1.0'
"""
from .auth import config_file, sent_headers
from .build import build_image
from .install import RegistryUnavailable
from .push import push, push_error, pushed_digest
from .reference import Reference, parse
from .requests import Request, Requests, kind
from .server import LOG, Registry, online, running, start, stop_all

__all__ = ["LOG", "Reference", "Registry", "RegistryUnavailable", "Request", "Requests", "build_image",
           "config_file", "kind", "online", "parse", "push", "push_error", "pushed_digest", "running", "sent_headers", "start", "stop_all"]
