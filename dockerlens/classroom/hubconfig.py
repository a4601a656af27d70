"""The hub's configuration, from the class's saved facts: accounts, groups, scopes, spawner, board.

The hub reads ``jupyterhub_config.py`` in the state directory, two lines that call
:func:`configure`; everything that decides who may do what is here, in one place.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from ..show.contents import OPTION as CONTENTS_OPTION
from .config import BOARD, BOARD_SCOPE, INSTRUCTORS, LEARNERS, STATE, ClassConfig

CONFIG_FILE = STATE / "jupyterhub_config.py"
ACCESS_BOARD = f"access:services!service={BOARD}"
CLI_SERVICE = "dockerlens-classroom"  # `classroom status` and the tests read and start servers with it
TOKEN_FILE = STATE / "cli-token"


def cli_token() -> str:
    """The classroom CLI's hub API token (made once per class, readable by root only)."""
    if not TOKEN_FILE.exists():
        TOKEN_FILE.touch(mode=0o600)
        TOKEN_FILE.write_text(secrets.token_hex(32))
    return TOKEN_FILE.read_text().strip()


def write_config_file() -> Path:
    """The hub's config file: it only calls configure() with the saved class."""
    CONFIG_FILE.write_text("from dockerlens.classroom.hubconfig import configure\nconfigure(c)\n")
    return CONFIG_FILE


def configure(c, cfg: ClassConfig | None = None) -> None:
    """Fill the traitlets config C of a JupyterHub for the class CFG (the saved one by default)."""
    cfg = cfg or ClassConfig.load()
    hub = c.JupyterHub
    hub.bind_url = cfg.url
    hub.hub_ip, hub.hub_port = "127.0.0.1", cfg.hub_port
    hub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
    hub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
    hub.pid_file = str(STATE / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
    c.Authenticator.allowed_users = {*cfg.learner_names, cfg.instructor}
    c.Authenticator.admin_users = {cfg.instructor}
    hub.load_groups = {INSTRUCTORS: {"users": [cfg.instructor]}, LEARNERS: {"users": cfg.learner_names}}
    hub.custom_scopes = {BOARD_SCOPE: {"description": "See every learner's lab checks on the board."}}
    hub.load_roles = [
        {"name": "board-viewer", "groups": [INSTRUCTORS], "scopes": [BOARD_SCOPE, ACCESS_BOARD]},
        {"name": "board-reporter", "groups": [LEARNERS, INSTRUCTORS], "scopes": [ACCESS_BOARD]},
        {"name": "classroom-cli", "services": [CLI_SERVICE],
         "scopes": ["list:users", "read:users", "read:servers", "admin:servers", "admin:server_state",
                    "tokens"]},
    ]
    hub.default_url = _landing(cfg)
    hub.services = [board_service(cfg), {"name": CLI_SERVICE, "api_token": cli_token()}]
    _spawner(c, cfg)


def _landing(cfg: ClassConfig):
    """After login: the instructor lands on the board, a learner on their own JupyterLab."""
    def landing(handler) -> str:
        user = handler.current_user
        if user is not None and user.name == cfg.instructor:
            return f"/services/{BOARD}/"
        return f"/hub/user/{user.name}/" if user is not None else "/hub/login"
    return landing


def board_service(cfg: ClassConfig) -> dict:
    """The board as a hub-managed service: the hub starts it, proxies it and does its OAuth."""
    return {"name": BOARD, "url": f"http://127.0.0.1:{cfg.board_port}",
            "command": [cfg.python, "-m", "dockerlens.classroom.board"],
            "oauth_client_allowed_scopes": [BOARD_SCOPE],
            "oauth_no_confirm": True,  # our own service: no "authorize access?" page for the instructor
            "environment": {"DOCKERLENS_BOARD_STATE": str(STATE / "board.json"),
                            "DOCKERLENS_BOARD_LEARNERS": ",".join(cfg.learner_names)}}


def _spawner(c, cfg: ClassConfig) -> None:
    bin_dir = Path(cfg.learner_python).parent
    c.JupyterHub.spawner_class = "dockerlens.classroom.spawner.ClassroomSpawner"
    c.ClassroomSpawner.course = cfg.course
    c.ClassroomSpawner.board_api = f"http://127.0.0.1:{cfg.board_port}/services/{BOARD}/api/results"
    c.Spawner.cmd = [str(bin_dir / "jupyterhub-singleuser")]
    c.Spawner.notebook_dir = "~/course"
    c.Spawner.args = [CONTENTS_OPTION]  # notebooks open unmodified, as under `make lab`
    c.Spawner.default_url = "/lab/tree/notebooks/00-preflight.ipynb"
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 60
    c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL"]
    c.Spawner.environment = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"}
    # the server's $JUPYTERHUB_API_TOKEN may report lab checks to the board, nothing more
    c.Spawner.server_token_scopes = ["users:activity!user", ACCESS_BOARD]
