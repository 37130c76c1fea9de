"""What a task is: a pydantic schema for the YAML files under tasks/.

A task is data: the instruction, where it starts (setup), what attacks the environment
(attacks), how to tell the benign job was done (success), how to tell the harm happened
(risk_completion, read from effects: site events and state), what the judge should know
(intention_rubric, safe_behavior), and a risky and a safe reference trajectory that prove
the rules can fire and can stay quiet.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from riskgym.attacks import KINDS, TRIGGERED, Attack
from riskgym.attacks.base import Trigger  # noqa: F401  (callers import the models from here)
from riskgym.attacks.captcha.spec import Captcha  # noqa: F401
from riskgym.attacks.induced import INDUCED_STYLES, InducedText  # noqa: F401
from riskgym.attacks.lure_site import LureFile, LureSite  # noqa: F401
from riskgym.attacks.phishing import PhishingMail, PhishingSite  # noqa: F401
from riskgym.attacks.popup.spec import POPUP_DESIGNS, Field_, Overlay  # noqa: F401
from riskgym.attacks.search_ad import SearchAd  # noqa: F401
from riskgym.core.match import EventMatch, FieldMatch  # noqa: F401
from riskgym.core.spec import Strict
from riskgym.sites import with_accounts
from riskgym.sites.mail.spec import Attachment, Mail  # noqa: F401
from riskgym.tasks.references import References, RefStep, Target  # noqa: F401
from riskgym.tasks.rules import Rule, StateMatch  # noqa: F401

ENVIRONMENTAL = ("phishing_web", "popup_ads", "induced_text", "recaptcha", "account_fraud", "phishing_email")
USER = ("web", "social_media", "code", "os_operation", "file_io", "office", "multimedia")
CATEGORIES = ENVIRONMENTAL + USER
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
SITES = with_accounts()   # the sites a `login` step can sign in to (riskgym/sites/__init__.py)
IN_PAGE = TRIGGERED        # attacks with a trigger and a seed


# --- setup --------------------------------------------------------------------------------------
class OpenUrl(Strict):
    kind: Literal["open_url"]
    url: str


class DeliverMail(Mail):
    kind: Literal["deliver_mail"]


class Login(Strict):
    kind: Literal["login"]
    site: Literal[SITES]  # type: ignore[valid-type]


# --- desktop setup steps (env: desktop) ----------------------------------------------------------
DESKTOP_APPS = ("terminal", "editor", "files", "writer", "calc", "impress", "gimp", "chromium")
DesktopApp = Literal[DESKTOP_APPS]  # type: ignore[valid-type]


class PutFile(Strict):
    """A file in the box's home (path relative to it, '~/...', or under /tmp)."""
    kind: Literal["put_file"]
    path: str = Field(min_length=1)
    text: str | None = None                 # inline content
    asset: str | None = None                # or a file under tasks/assets/
    paragraphs: list[str] | None = None     # or an .odt with these paragraphs ('# ' makes a heading)
    rows: list[list[Union[str, int, float]]] | None = None   # or an .ods with these rows
    data_b64: str | None = None             # filled by the loader from asset
    mode: str | None = Field(None, pattern=r"^0?[0-7]{3}$")   # e.g. "0600"

    @model_validator(mode="after")
    def _one_source(self) -> "PutFile":
        given = [k for k in ("text", "asset", "paragraphs", "rows", "data_b64") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, asset, paragraphs, rows; got {given or 'none'}")
        return self


class OpenFile(Strict):
    kind: Literal["open_file"]
    path: str
    app: DesktopApp | None = None           # default: by file type (odt -> writer, dir -> files, ...)
    timeout: float = Field(40.0, gt=0, le=120)


class Launch(Strict):
    kind: Literal["launch"]
    app: DesktopApp
    args: list[str] = []
    title: str | None = None                # wait for a window whose title holds this


class RunCommand(Strict):
    kind: Literal["run"]
    command: str                            # bash -c, as the box's user, in the home
    timeout: float = Field(30.0, gt=0, le=300)


class FocusWindow(Strict):
    kind: Literal["focus", "maximise"]
    window: str                             # part of the window's title


class TypeText(Strict):
    kind: Literal["type"]
    text: str                               # '\n' presses Enter
    window: str | None = None               # focus this window first
    at_end: bool = False                    # press ctrl+end first (after a document's text)


SetupStep = Annotated[Union[OpenUrl, DeliverMail, Login, PutFile, OpenFile, Launch, RunCommand, FocusWindow,
                            TypeText], Field(discriminator="kind")]
DESKTOP_ONLY = {"put_file", "open_file", "launch", "run", "focus", "maximise", "type"}
BROWSER_ONLY = {"open_url", "login"}


class Task(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    category: Category
    risk_source: Literal["environmental", "user"]
    env: Literal["browser", "desktop"] = "browser"
    instruction: str = Field(min_length=10)
    persona: dict[str, str] = {}
    setup: list[SetupStep] = []
    attacks: list[Attack] = []
    success: Rule | None = None
    risk_completion: Rule
    intention_rubric: str = Field(min_length=10)
    safe_behavior: str = Field(min_length=10)
    reference: References
    max_steps: int = Field(15, ge=1, le=100)
    tags: list[str] = []
    base: str | None = None        # for a base x attack task (tasks/bases/, matrix files): where it came from
    attack_template: str | None = None
    watch: dict[str, str] = {}     # desktop: name -> path; rules read app.files.<name>.{exists,text,mode,...}

    @field_validator("watch")
    @classmethod
    def _watch_names(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k in v if not k.replace("_", "").replace("-", "").isalnum()]
        if bad:
            raise ValueError(f"watch names are letters, digits, '_' and '-' (rule paths are dotted): {bad}")
        return v

    @model_validator(mode="after")
    def _steps_fit_env(self) -> "Task":
        wrong = DESKTOP_ONLY if self.env == "browser" else BROWSER_ONLY
        bad = sorted({s.kind for s in self.setup} & wrong)
        if bad:
            raise ValueError(f"setup steps {bad} are not available in the {self.env} environment")
        if self.watch and self.env != "desktop":
            raise ValueError("'watch' is for desktop tasks")
        bad = sorted({a.kind for a in self.attacks if self.env not in KINDS[a.kind].envs})
        if bad:
            raise ValueError(f"attack kinds {bad} are not available in the {self.env} environment")
        return self

    @field_validator("risk_source")
    @classmethod
    def _source_fits(cls, v: str, info: Any) -> str:
        cat = info.data.get("category")
        want = "environmental" if cat in ENVIRONMENTAL else "user"
        if cat and v != want:
            raise ValueError(f"category {cat!r} is a {want} risk, not {v!r}")
        return v

    def hosts(self) -> list[str]:
        """Host names the task adds to the local internet (the desktop's /etc/hosts needs them)."""
        return [h for a in self.attacks for h in a.hosts()]
