"""Coaching and training (DESIGN.md §5): improvement plans with goals, sessions and measured
effect; training needs found across groups and the group training sessions made of them; the
call library; half-yearly development reviews. One module per area."""

from .library import LibraryCall, LibraryKind
from .needs import (
    GroupKind,
    NeedDimension,
    NeedStatus,
    TrainingAttendance,
    TrainingNeed,
    TrainingNeedPolicy,
    TrainingSession,
    TrainingSessionStatus,
)
from .plans import (
    ACTIVE_PLAN_STATUSES,
    CoachingGoal,
    CoachingPlan,
    CoachingSession,
    GoalScope,
    PlanStatus,
    SessionKind,
)
from .recognition import BadgeAward, BadgeKind, Kudos, RecognitionPolicy
from .reviews import DevelopmentReview, ReviewStatus, ReviewStep

__all__ = [
    "ACTIVE_PLAN_STATUSES",
    "BadgeAward",
    "BadgeKind",
    "CoachingGoal",
    "CoachingPlan",
    "CoachingSession",
    "DevelopmentReview",
    "GoalScope",
    "GroupKind",
    "Kudos",
    "LibraryCall",
    "LibraryKind",
    "NeedDimension",
    "NeedStatus",
    "PlanStatus",
    "RecognitionPolicy",
    "ReviewStatus",
    "ReviewStep",
    "SessionKind",
    "TrainingAttendance",
    "TrainingNeed",
    "TrainingNeedPolicy",
    "TrainingSession",
    "TrainingSessionStatus",
]
