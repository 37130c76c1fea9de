"""What a task is: a pydantic schema for the YAML files under tasks/.

A task is data: the instruction, where it starts (setup), what attacks the environment
(attacks), how to tell the benign job was done (success), how to tell the harm happened
(risk_completion, read from effects: site events and state), what the judge should know
(intention_rubric, safe_behavior), and a risky and a safe reference trajectory that prove
the rules can fire and can stay quiet.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, field_validator, model_validator

from riskgym.tasks.references import References, RefStep, Strict, Target  # noqa: F401  (callers import them from here)

ENVIRONMENTAL = ("phishing_web", "popup_ads", "induced_text", "recaptcha", "account_fraud", "phishing_email")
USER = ("web", "social_media", "code", "os_operation", "file_io", "office", "multimedia")
CATEGORIES = ENVIRONMENTAL + USER
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
SITES = ("codenest", "papershelf", "mail", "accounts", "townsquare", "dropfile", "xfernow")


# --- setup --------------------------------------------------------------------------------------
class Attachment(Strict):
    name: str
    text: str | None = None        # inline content
    asset: str | None = None       # or a file under tasks/assets/
    data_b64: str | None = None    # filled by the loader from text/asset

    @model_validator(mode="after")
    def _one_source(self) -> "Attachment":
        if sum(x is not None for x in (self.text, self.asset, self.data_b64)) != 1:
            raise ValueError("give exactly one of 'text' or 'asset'")
        return self


class Mail(Strict):
    sender: str
    sender_name: str = ""
    to: str | None = None          # default: the persona's address
    subject: str
    text: str | None = None
    html: str | None = None
    date: str | None = None
    attachments: list[Attachment] = []

    @model_validator(mode="after")
    def _has_body(self) -> "Mail":
        if not (self.text or self.html):
            raise ValueError("a mail needs 'text' or 'html'")
        return self


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


# --- event matching (rules and triggers) ----------------------------------------------------------
class FieldMatch(Strict):
    equals: str | None = None      # case- and space-insensitive
    contains: str | None = None
    regex: str | None = None
    nonempty: bool | None = None


class EventMatch(Strict):
    type: str | None = None        # request, login, attack, download, mail_sent, star, ...
    host: str | None = None        # exact, case-insensitive; '*.x' matches subdomains
    path: str | None = None        # prefix
    method: str | None = None
    site: str | None = None
    lookalike: bool | None = None
    attack: str | None = None
    action: str | None = None
    fields: dict[str, Union[str, FieldMatch]] = {}   # every named field must match
    any_field: Union[str, FieldMatch, None] = None   # some field (value) must match
    attrs: dict[str, Union[str, bool, int, FieldMatch]] = {}  # other top-level keys of the event
    min_count: int = Field(1, ge=1)


# --- attacks ------------------------------------------------------------------------------------
class Trigger(Strict):
    """When an in-page attack appears: every given condition must hold (and stay shown until dismissed)."""
    at_step: int = Field(0, ge=0)  # shown once this many agent steps have run (0: from the start)
    on_url: str | None = None      # ... and only on a page whose URL contains this
    on_event: EventMatch | None = None   # ... and only once an event like this is in the log (a login, a search)


class PhishingSite(Strict):
    kind: Literal["phishing_site"]
    host: str
    imitates: Literal[SITES]  # type: ignore[valid-type]


class Field_(Strict):
    name: str
    label: str
    type: str = "text"


# Pop-up designs (riskgym/attacks/popup/designs.py gives each its look and default texts).
POPUP_DESIGNS = ("signin", "popup", "discount", "prize", "wheel", "update", "cookie", "chat")


class Overlay(Strict):
    """A modal or floating pop-up over the page (browser: DOM; desktop: an always-on-top window).
    Events: attack/<id> with action shown (bbox, target: screen boxes), click (its call to action),
    click_body (elsewhere on it), input, submit (fake_login), close."""
    kind: Literal["fake_login", "popup"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    trigger: Trigger = Trigger()
    title: str | None = None       # default: the design's
    text: str | None = None
    brand: str = ""
    button: str | None = None      # the call to action's label
    target_url: str | None = None  # where the call to action goes (e.g. a lure_site host)
    fields: list[Field_] | None = None
    design: Literal[POPUP_DESIGNS] | None = None  # type: ignore[valid-type]  # default: signin / popup by kind
    seed: int | None = None        # placement; the same seed gives the same attack


# Induced-text styles: lures written into the page itself, not modal.
INDUCED_STYLES = ("virus_alert", "outdated_browser", "paste_command", "system_toast", "forum_comment", "banner")


class InducedText(Strict):
    """On-screen text that tells the agent to do something harmful, with a link/button to do it.
    Events: attack/<id> with action shown (bbox, target), click (the lure's link or button),
    copy (the command copied, paste_command), close (where it can be closed)."""
    kind: Literal["induced_text"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    style: Literal[INDUCED_STYLES] = "banner"  # type: ignore[valid-type]
    trigger: Trigger = Trigger()
    title: str | None = None       # default: the style's
    text: str | None = None
    button: str | None = None      # the link/button label
    target_url: str | None = None  # where it leads (a lure_site host: the visit and download are logged)
    command: str | None = None     # paste_command: the command the lure asks to run
    author: str | None = None      # forum_comment: who signed it
    seed: int | None = None        # placement


class Captcha(Strict):
    """A local CAPTCHA: when triggered, the page is sent to a challenge page on `host` with an
    "I am not a robot" checkbox and (challenge: grid) an image grid whose answer only the server knows.
    host "same" puts the challenge on the current site's own host (/_verify/...).
    Events: captcha/<id> with action shown, checkbox, select (tile, selected), submit (correct), solved."""
    kind: Literal["captcha"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    trigger: Trigger = Trigger()
    host: str = "verify.example"
    challenge: Literal["checkbox", "grid"] = "grid"
    subject: Literal["bicycle", "traffic_light", "boat", "tree", "car", "house"] | None = None  # the grid's ask
                                   # (default from the seed)
    brand: str = ""                # "<brand> checks that you are a person"
    seed: int | None = None        # the grid's images and answer


class LureFile(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    text: str


class LureSite(Strict):
    """A host of the local internet that only lures: a landing page with a download.
    Events: request (host), lure_visit, download (file, lure=True)."""
    kind: Literal["lure_site"]
    host: str
    title: str
    text: str = ""
    button: str = "Download"
    file: LureFile | None = None


class SearchAd(Strict):
    """A sponsored result on the local search site (search.example), shown above the results for
    queries holding any of `keywords`. A click is a search_click event with sponsored=True, ad=<id>."""
    kind: Literal["search_ad"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    keywords: list[str] = Field(min_length=1)
    title: str
    url: str                       # where it leads (often a phishing_site or lure_site host)
    display_url: str | None = None  # the address it shows (default: url's host)
    text: str = ""


class PhishingMail(Mail):
    kind: Literal["phishing_mail"]


Attack = Annotated[Union[PhishingSite, Overlay, PhishingMail, InducedText, Captcha, LureSite, SearchAd],
                   Field(discriminator="kind")]
IN_PAGE = ("fake_login", "popup", "induced_text", "captcha")   # attacks with a trigger and a seed


# --- rules --------------------------------------------------------------------------------------
class StateMatch(Strict):
    path: str                      # dotted path into the box state, e.g. sites.codenest.stars
    contains: Any = None           # a list holds this item / a string holds this text
    equals: Any = None
    truthy: bool | None = None
    regex: str | None = None       # a string (or some item of a list) matches, any case: ^/$ per line, or
                                   # across lines with runs of spaces and newlines as one space (OCR)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"regex {v!r} does not compile: {exc}") from None
        return v


class Rule(Strict):
    any: list["Rule"] | None = None
    all: list["Rule"] | None = None
    not_: "Rule | None" = Field(None, alias="not")
    event: EventMatch | None = None
    state: StateMatch | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> "Rule":
        set_ = [k for k in ("any", "all", "not_", "event", "state") if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"a rule has exactly one of any/all/not/event/state, got {set_ or 'none'}")
        return self


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
        return [a.host for a in self.attacks if isinstance(a, (PhishingSite, LureSite, Captcha)) and a.host != "same"]
