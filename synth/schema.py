"""The dataset's tables and columns: the one place their types and meanings are written down."""

from __future__ import annotations

from dataclasses import dataclass

from synth.world import geography, releases

SCHEMA_VERSION = 3  # 2: country and app_version are ENUMs; 3: surveys.comment

EVENT_NAMES = (
    "app_open", "video_view", "like", "comment", "share", "follow", "search",
    "push_received", "push_open", "camera_open", "record_start", "edit_open", "post_publish",
    "product_view", "add_to_cart", "checkout_start", "purchase",
)
SERVER_EVENT_NAMES = ("like", "comment", "follow", "post_publish", "purchase")
PLATFORMS = ("ios", "android")
DEVICE_TIERS = ("low", "mid", "high")
# Sorted, so that an ENUM orders like the text it stands for; every version label has a two-digit minor, so
# text order is release order too.
COUNTRY_CODES = tuple(sorted(geography.COUNTRY_CODES))
APP_VERSIONS = tuple(releases.version_names(releases.LABELLED))


def enum(values: tuple[str, ...]) -> str:
    """DuckDB ENUM type literal for a tuple of labels."""
    return "ENUM(" + ", ".join(f"'{v}'" for v in values) + ")"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = False
    # DuckDB's codec for the column. Unset, DuckDB tries each codec on every segment when it writes; on the
    # events table naming the one it picks for this data anyway makes writing ~15% cheaper, at the same size.
    compression: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    def ddl(self) -> str:
        """CREATE TABLE statement for this table."""
        cols = ",\n  ".join(
            f"{c.name} {c.type}{f' USING COMPRESSION {c.compression}' if c.compression else ''}"
            f"{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        )
        return f"CREATE TABLE {self.name} (\n  {cols}\n)"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


USERS = Table(
    "users",
    "One row per account, including accounts that signed up before the window (the established base).",
    (
        Column("user_id", "BIGINT", "Account id, assigned in signup order."),
        Column("username", "VARCHAR", "Public handle (cosmetic)."),
        Column("signup_ts", "TIMESTAMP", "Signup time, UTC. Earlier than the window for the established base."),
        Column("country", enum(COUNTRY_CODES), "Home country, ISO 3166-1 alpha-2."),
        Column("timezone", "VARCHAR", "Home IANA time zone; local calendar days follow it (DST included)."),
        Column("platform", enum(PLATFORMS), "Operating system of the user's phone."),
        Column("device_tier", enum(DEVICE_TIERS), "Phone price class: low, mid or high."),
        Column("app_version", enum(APP_VERSIONS), "App version installed at the end of the window."),
        Column("acquisition_channel", "VARCHAR", "How the account was acquired (organic, paid_social, ...)."),
        Column("age_band", "VARCHAR", "Self-reported age band, e.g. 18-24."),
    ),
)

EVENTS = Table(
    "events",
    "The client log exactly as the app SDK sends it: one row per event, timestamps in UTC.",
    (
        Column("event_id", "BIGINT", "Client insert id; a retried upload repeats it.",
               compression="uncompressed"),  # random 63-bit ids
        Column("user_id", "BIGINT", "Account that produced the event (users.user_id).", compression="rle"),
        Column("event_name", enum(EVENT_NAMES), "What happened; push_received is sent by the system, "
               "not the user.", compression="bitpacking"),
        Column("event_ts", "TIMESTAMP", "When it happened, by the device clock, UTC.", compression="bitpacking"),
        Column("received_ts", "TIMESTAMP", "When the server received it, UTC.", compression="bitpacking"),
        Column("platform", enum(PLATFORMS), "Platform of the device that sent the event.", compression="rle"),
        Column("app_version", enum(APP_VERSIONS), "App version that sent the event."),
        Column("country", enum(COUNTRY_CODES), "Country of the device (ISO-2) when the event was sent."),
        Column("video_id", "BIGINT", "Video concerned (views, likes, comments, shares, posts).", True,
               compression="rle"),
        Column("watch_ms", "INTEGER", "Milliseconds watched; video_view only.", True, compression="bitpacking"),
        Column("amount_cents", "INTEGER", "Order value in US cents; purchase only.", True, compression="rle"),
    ),
)

VIDEOS = Table(
    "videos",
    "Every video in the catalogue: older videos and the ones posted during the window.",
    (
        Column("video_id", "BIGINT", "Video id (events.video_id)."),
        Column("creator_id", "BIGINT", "Account that posted it (users.user_id)."),
        Column("category", "VARCHAR", "Content category, e.g. comedy, music."),
        Column("duration_s", "INTEGER", "Length of the video in seconds."),
        Column("posted_ts", "TIMESTAMP", "When it was published, UTC."),
    ),
)

DATASET_INFO = Table(
    "dataset_info",
    "How the dataset was built: seed, scale, synth and schema versions, date window, content checksum.",
    (
        Column("key", "VARCHAR", "Setting name."),
        Column("value", "VARCHAR", "Setting value, as text."),
    ),
)

SERVER_EVENTS = Table(
    "server_events",
    "The backend's authoritative record of likes, comments, follows, posts and purchases. It disagrees with "
    "`events` for reasons worth finding.",
    (
        Column("request_id", "BIGINT", "Id of the API request.", compression="uncompressed"),
        Column("event_id", "BIGINT", "Client insert id the request carried (events.event_id).",
               compression="uncompressed"),
        Column("user_id", "BIGINT", "Account that made the request."),
        Column("event_name", enum(SERVER_EVENT_NAMES), "What the request did."),
        Column("server_ts", "TIMESTAMP", "When the server handled it, by the server's clock, UTC.",
               compression="bitpacking"),
        Column("status", enum(("ok", "failed")), "Whether the request succeeded."),
        Column("amount_cents", "INTEGER", "Order value in US cents; purchase only.", True),
    ),
)

APP_RELEASES = Table(
    "app_releases",
    "The app's release calendar: every version, per platform.",
    (
        Column("platform", enum(PLATFORMS), "Platform the build is for."),
        Column("app_version", enum(APP_VERSIONS), "Version label (events.app_version)."),
        Column("release_ts", "TIMESTAMP", "When it reached the app store, UTC."),
        Column("rollout_pct", "INTEGER", "Share of phones offered the update, in percent."),
    ),
)

PROMOTIONS = Table(
    "promotions",
    "Marketing promotions: when they ran and in which countries.",
    (
        Column("promo_id", "VARCHAR", "Promotion id."),
        Column("name", "VARCHAR", "What the promotion was."),
        Column("start_ts", "TIMESTAMP", "Start, UTC."),
        Column("end_ts", "TIMESTAMP", "End (exclusive), UTC."),
        Column("countries", "VARCHAR[]", "Countries (ISO-2) where it ran."),
    ),
)

EXPERIMENTS = Table(
    "experiments",
    "A/B tests: what was tested, when, on which unit, with which variants.",
    (
        Column("experiment_id", "VARCHAR", "Experiment id."),
        Column("name", "VARCHAR", "Short name."),
        Column("hypothesis", "VARCHAR", "What the team expected."),
        Column("start_date", "DATE", "First day (UTC)."),
        Column("end_date", "DATE", "Last day (UTC), inclusive."),
        Column("unit", "VARCHAR", "Randomisation unit."),
        Column("variants", "VARCHAR[]", "Variant names; the first is the control."),
    ),
)

ASSIGNMENTS = Table(
    "assignments",
    "Which variant each user was assigned to in each experiment.",
    (
        Column("experiment_id", "VARCHAR", "experiments.experiment_id"),
        Column("user_id", "BIGINT", "Assigned account."),
        Column("variant", "VARCHAR", "Assigned variant."),
        Column("assigned_ts", "TIMESTAMP", "When the assignment was made, UTC."),
    ),
)

EXPOSURES = Table(
    "exposures",
    "When an assigned user first actually saw the experiment's surface.",
    (
        Column("experiment_id", "VARCHAR", "experiments.experiment_id"),
        Column("user_id", "BIGINT", "Exposed account."),
        Column("exposure_ts", "TIMESTAMP", "First exposure, UTC."),
    ),
)

SURVEYS = Table(
    "surveys",
    "In-app surveys: one row per survey sent; the answer columns are NULL when the user never responded.",
    (
        Column("response_id", "BIGINT", "Id of the survey invitation."),
        Column("user_id", "BIGINT", "Invited account."),
        Column("survey", "VARCHAR", "Which survey."),
        Column("sent_ts", "TIMESTAMP", "When it was shown, UTC."),
        Column("responded_ts", "TIMESTAMP", "When the user answered, UTC.", True),
        Column("csat", "TINYINT", "Satisfaction, 1 (very unsatisfied) to 5 (very satisfied).", True),
        Column("nps", "TINYINT", "Likelihood to recommend, 0 to 10.", True),
        Column("theme", "VARCHAR", "Main theme of the free-text comment, coded by a researcher who read it.", True),
        Column("comment", "VARCHAR", "The respondent's free-text comment as typed (typos included); NULL when "
               "there is none.", True),
    ),
)

TABLES: tuple[Table, ...] = (USERS, EVENTS, VIDEOS, SERVER_EVENTS, APP_RELEASES, PROMOTIONS, EXPERIMENTS,
                             ASSIGNMENTS, EXPOSURES, SURVEYS, DATASET_INFO)

# The truth file (<dataset>.truth.duckdb): what students must discover. Never in the students' file.
PLANTED_EFFECTS = Table(
    "planted_effects",
    "Every planted phenomenon: its parameters and the values a correct analysis should find.",
    (
        Column("effect_id", "VARCHAR", "Plant name (synth.plant)."),
        Column("title", "VARCHAR", "What was planted."),
        Column("module", "VARCHAR", "Curriculum module that uses it."),
        Column("params", "JSON", "Parameters it was planted with."),
        Column("expected", "JSON", "What a correct analysis should find."),
    ),
)

BOTS = Table("bots", "Accounts that are bots or internal test accounts.", (
    Column("user_id", "BIGINT", "Bot account."),
    Column("kind", "VARCHAR", "bot or internal."),
))

TRUE_SESSIONS = Table("true_sessions", "Every real session, as the simulation generated it (UTC).", (
    Column("user_id", "BIGINT", "Account."),
    Column("session_start", "TIMESTAMP", "First event.", compression="bitpacking"),
    Column("session_end", "TIMESTAMP", "Last event.", compression="bitpacking"),
    Column("events", "INTEGER", "Events in the session.", compression="bitpacking"),
))

CLEAN_EVENT_COUNTS = Table("clean_event_counts", "Client events per UTC day and name before corruption.", (
    Column("day", "DATE", "UTC day."),
    Column("event_name", enum(EVENT_NAMES), "Event name."),
    Column("events", "BIGINT", "Events that really happened."),
))

TRUTH_TABLES: tuple[Table, ...] = (PLANTED_EFFECTS, BOTS, TRUE_SESSIONS, CLEAN_EVENT_COUNTS)


def table(name: str) -> Table:
    """The dataset or truth table called `name`."""
    return next(t for t in TABLES + TRUTH_TABLES if t.name == name)


def markdown() -> str:
    """The data dictionary (datasets/README.md) as Markdown."""
    lines = [
        "# Clipstream data dictionary",
        "",
        "<!-- Generated by `synth schema --markdown` from synth/schema.py; do not edit by hand. -->",
        "",
        f"Schema version {SCHEMA_VERSION}. All timestamps are UTC (`TIMESTAMP` without time zone); "
        "convert with `(ts AT TIME ZONE 'UTC') AT TIME ZONE users.timezone` for local time.",
        "",
        "Build a dataset with `synth build`; `synth info` shows which one you have.",
    ]
    for t in TABLES:
        lines += ["", f"## `{t.name}`", "", t.description, "", "| column | type | null | meaning |",
                  "|---|---|---|---|"]
        for c in t.columns:
            kind = "ENUM" if c.type.startswith("ENUM") else c.type
            lines.append(f"| `{c.name}` | {kind} | {'yes' if c.nullable else 'no'} | {c.description} |")
    lines += ["", "## Event names", "", ", ".join(f"`{n}`" for n in EVENT_NAMES), ""]
    return "\n".join(lines)
