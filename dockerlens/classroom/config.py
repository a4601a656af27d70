"""One classroom's facts (who, where, which ports), saved as JSON so `status` and `down` find them."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATE = Path("/var/lib/dockerlens-classroom")  # hub database, config, login cards, class.json
RUN = Path("/run/dockerlens-classroom")        # one private runtime dir per learner (daemon socket)
BOARD = "dockerlens-board"                     # the instructor's board: a JupyterHub service
BOARD_SCOPE = f"custom:{BOARD}:view"           # what only instructors hold
INSTRUCTORS = "instructors"
LEARNERS = "learners"


@dataclass
class ClassConfig:
    """A class: learner and instructor account names, the hub's ports and the course copy's source."""
    prefix: str = "dl"
    learners: int = 2
    port: int = 8000
    hub_port: int = 8081
    board_port: int = 8091
    course: str = str(Path(__file__).resolve().parents[2])
    python: str = sys.executable          # the hub's and the board's (root)
    learner_python: str = sys.executable  # every learner server's (see install.learner_python)
    accounts: dict[str, dict] = field(default_factory=dict)  # name -> {"uid", "subids", "role"}

    @property
    def learner_names(self) -> list[str]:
        return [f"{self.prefix}-learner{i:02d}" for i in range(1, self.learners + 1)]

    @property
    def instructor(self) -> str:
        return f"{self.prefix}-instructor"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def board_url(self) -> str:
        return f"{self.url}/services/{BOARD}/"

    def save(self) -> Path:
        STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = STATE / "class.json"
        path.write_text(json.dumps(asdict(self), indent=1))
        return path

    @classmethod
    def load(cls) -> "ClassConfig | None":
        """The running classroom's config, or None when no classroom is up."""
        try:
            return cls(**json.loads((STATE / "class.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
