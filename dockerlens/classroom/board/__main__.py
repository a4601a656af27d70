"""Run the board service (the hub starts it: ``python -m dockerlens.classroom.board``)."""
from __future__ import annotations

import asyncio
import os
from urllib.parse import urlparse

from .app import board_from_env, make_app


async def main() -> None:
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app = make_app(board_from_env(), os.environ["JUPYTERHUB_SERVICE_PREFIX"])
    # on Kubernetes the service URL names the hub's Service (http://hub:8091): bind all there
    app.listen(url.port, os.environ.get("DOCKERLENS_BOARD_BIND") or url.hostname)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
