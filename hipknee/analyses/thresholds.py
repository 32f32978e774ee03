"""Every threshold the analyses and charts use, in one editable place.

Change a number here and every analysis, verdict, chart band and sentence follows. Where each
number comes from is in the repository's ``docs/sources.md``: the LSI target (return-to-sport
practice), the smallest change in pain that matters (Farrar 2001), the pain-monitoring model
(Silbernagel 2007), the ACWR bands (Gabbett 2016), the 30 % distance rise (Nielsen 2014), and
which numbers are hipknee's own choices.
"""

from __future__ import annotations

__all__ = [
    "ACUTE_DAYS",
    "ACWR_HIGH",
    "ACWR_LOW",
    "ACWR_SPIKE",
    "ASSOCIATION_MIN_WEEKS",
    "CHRONIC_DAYS",
    "DISTANCE_JUMP_PCT",
    "HIP_SESSIONS_MAX",
    "HIP_SESSIONS_MIN",
    "ADHERENCE_LOW_PCT",
    "ADHERENCE_LOW_WEEKS",
    "KUJALA_INVITE_DAYS",
    "PROGRESSION_HOLDS_CEILING",
    "PROGRESSION_REPS_CEILING",
    "PROGRESSION_RPE_MAX",
    "PROGRESSION_SECONDS_CEILING",
    "PROGRESSION_SESSIONS",
    "KUJALA_MCID_MAX",
    "KUJALA_MCID_MIN",
    "LSI_TARGET_PCT",
    "MCID_MIN_POINTS",
    "MCID_PCT",
    "MCID_POINTS",
    "MORNING_GAP_DAYS",
    "MORNING_RISE_POINTS",
    "MORNING_WORSE_POINTS",
    "MORNING_WORSE_RED_DAYS",
    "PAIN_ACCEPTABLE_MAX",
    "PAIN_OK_MAX",
    "PAIN_WINDOW_DAYS",
    "PAIN_WINDOW_MIN_DAYS",
    "PAIN_ZONES",
    "RECENT_DATA_DAYS",
    "ROLLING_DAYS",
]

# -- limb symmetry -----------------------------------------------------------------------------
#: LSI (%) at or above which the sides count as balanced (usual return-to-sport target).
LSI_TARGET_PCT = 90.0

# -- change in pain (minimal clinically important difference) -----------------------------------
#: A fall (or rise) of this many NRS points matters to a patient ...
MCID_POINTS = 2.0
#: ... or of this share of the starting value (%).
MCID_PCT = 30.0
#: The percentage rule needs at least this many points too (30 % of 1/10 is noise, not relief).
MCID_MIN_POINTS = 1.0
#: "Start" is the first, "latest" the last this-many days of a knee's log.
PAIN_WINDOW_DAYS = 14
#: A window needs pain logged on at least this many days to be compared.
PAIN_WINDOW_MIN_DAYS = 3

# -- pain-monitoring model (0-10 NRS) ------------------------------------------------------------
#: Pain during activity up to this is fine (green).
PAIN_OK_MAX = 2
#: Up to this is acceptable (amber); above it is not acceptable (red).
PAIN_ACCEPTABLE_MAX = 5
#: Shaded zones on pain charts: (low, high, label).
PAIN_ZONES: tuple[tuple[float, float, str], ...] = (
    (0, PAIN_OK_MAX, "0-2 fine"),
    (PAIN_OK_MAX, PAIN_ACCEPTABLE_MAX, "3-5 acceptable"),
    (PAIN_ACCEPTABLE_MAX, 10, "above 5 too much"),
)
#: Weekly mean next-morning pain rising by at least this many points week on week is a flag.
MORNING_RISE_POINTS = 1.0
#: Next-morning pain this many points above the previous morning's counts as worse (a 1-point
#: wobble on the 0-10 scale is everyday noise).
MORNING_WORSE_POINTS = 2
#: A next-morning score is compared with the previous morning logged at most this many days before.
MORNING_GAP_DAYS = 3
#: Worse next mornings on this many days of one week make the week red.
MORNING_WORSE_RED_DAYS = 2

# -- running load -------------------------------------------------------------------------------
#: Acute:chronic workload ratio: below LOW is a drop in load, LOW-HIGH the comfortable band,
#: above SPIKE a spike linked with injury.
ACWR_LOW = 0.8
ACWR_HIGH = 1.3
ACWR_SPIKE = 1.5
#: Acute window (days) and chronic window (days, averaged per week).
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
#: A week-on-week rise in distance above this (%) is flagged.
DISTANCE_JUMP_PCT = 30.0

# -- the hip programme ---------------------------------------------------------------------------
#: Planned hip sessions per week.
HIP_SESSIONS_MIN = 2
HIP_SESSIONS_MAX = 4

#: Adherence (sets done / prescribed, %) below this in a week is low ...
ADHERENCE_LOW_PCT = 50.0
#: ... and that many low weeks in a row (the latest ones) need the coach's attention.
ADHERENCE_LOW_WEEKS = 2
#: An exercise is ready to progress when every prescribed set was done at RPE (0-10) up to this ...
PROGRESSION_RPE_MAX = 6.0
#: ... in this many of its sessions in a row (the latest), with no red pain-monitoring week then.
PROGRESSION_SESSIONS = 2
#: More reps per set up to this ceiling (e.g. 3 x 15), then a stronger band or more load.
PROGRESSION_REPS_CEILING = 15
#: More seconds of work per set (time exercises) up to this ceiling, then a harder variant.
PROGRESSION_SECONDS_CEILING = 45.0
#: More holds per set (hold exercises) up to this ceiling, then longer holds.
PROGRESSION_HOLDS_CEILING = 10

# -- knee function (Kujala anterior knee pain scale, 0-100) ---------------------------------------
#: The smallest change in the Kujala score that matters to patients with patellofemoral pain is
#: about 8-10 points (Crossley 2004): a change of at least MIN points matters ...
KUJALA_MCID_MIN = 8
#: ... and the band drawn on the chart reaches up to MAX points.
KUJALA_MCID_MAX = 10
#: The questionnaire is filled in monthly: more than this many days since the last one, invite the next.
KUJALA_INVITE_DAYS = 28

# -- the squad ----------------------------------------------------------------------------------
#: A runner with nothing logged for more than this many days before the squad's latest entry has
#: "no recent data": her verdicts are old, so she is not ranked among those needing attention now.
RECENT_DATA_DAYS = 14

# -- smoothing and statistics --------------------------------------------------------------------
#: Rolling mean window (days) on pain charts.
ROLLING_DAYS = 7
#: Fewer paired weeks than this and no association is reported.
ASSOCIATION_MIN_WEEKS = 6
