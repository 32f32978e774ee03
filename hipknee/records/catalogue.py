"""The built-in exercise catalogue and strength tests, with the programme's prescribed doses.

The first three are the starter programme; the rest are common hip exercises a runner adds.
Users add their own with ``store.add(Exercise(...))``.
"""

from __future__ import annotations

from .model import Exercise

__all__ = ["PROGRAMME", "BUILTIN_EXERCISES", "STRENGTH_TESTS"]

_E = Exercise

BUILTIN_EXERCISES: tuple[Exercise, ...] = (
    _E(name="lateral band walk", measure="time", per_side=True, dose_sets=1, dose_seconds=15,
       target="hip abductors (outside of the hip)", builtin=True,
       how="Band midway between ankles and knees, feet hip-width apart, large steps sideways: "
           "15 s to the left, then 15 s to the right."),
    _E(name="single-leg deadlift", measure="reps", per_side=True, dose_sets=1, dose_reps=10,
       target="balance between sides; quads, hamstrings, glutes", builtin=True,
       how="Stand on one leg, stance knee soft; hinge until the torso is parallel to the floor "
           "while the free leg straightens behind. 10 reps, then switch sides."),
    _E(name="foam-roller hip release", measure="hold", per_side=True, dose_sets=1, dose_reps=3,
       dose_seconds=5, target="hip flexors and glutes", builtin=True,
       how="Face up, roller under the buttocks, knees bent; knee to chest, extend the leg, guide "
           "it across the body and hold for a count of 5, 3 reps each side."),
    _E(name="clamshell", measure="reps", per_side=True, dose_sets=3, dose_reps=15,
       target="hip external rotators, glute medius", builtin=True),
    _E(name="side-lying hip abduction", measure="reps", per_side=True, dose_sets=3, dose_reps=12,
       target="hip abductors", builtin=True),
    _E(name="side plank", measure="time", per_side=True, dose_sets=3, dose_seconds=30,
       target="lateral trunk and hip stabilisers", builtin=True),
    _E(name="single-leg glute bridge", measure="reps", per_side=True, dose_sets=3, dose_reps=10,
       target="glutes and hamstrings", builtin=True),
    _E(name="hip thrust", measure="reps", per_side=False, dose_sets=3, dose_reps=10,
       target="glutes", builtin=True),
    _E(name="single-leg squat", measure="reps", per_side=True, dose_sets=3, dose_reps=8,
       target="quads and glutes, knee control", builtin=True),
    _E(name="step-down", measure="reps", per_side=True, dose_sets=3, dose_reps=10,
       target="quads and hip control", builtin=True),
)

#: The starter programme, in the order it is done.
PROGRAMME: tuple[str, ...] = ("lateral band walk", "single-leg deadlift", "foam-roller hip release")

#: Strength tests a physio commonly uses, with their usual unit.
STRENGTH_TESTS: dict[str, str] = {
    "hip abduction dynamometer": "N",
    "single-leg squat reps": "reps",
    "single-leg hop distance": "cm",
    "side plank hold": "s",
}
