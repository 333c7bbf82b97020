"""ORM models, one module per aggregate; importing this package registers them all."""

from app.models.audit import AuditLog
from app.models.demand import Demand
from app.models.dispatch import Dispatch, DispatchReversion, Nomination
from app.models.duplicate import DuplicatePair, DuplicateScan, TalentMerge, TalentMergeMember
from app.models.imports import ImportBatch, ImportRow
from app.models.matching import AppSetting, MatchRun, PairDecision, Suggestion
from app.models.org import Enterprise, Organization
from app.models.privacy import AnonymousOutcome, PublicInterest, TalentErasure
from app.models.review import ContactReveal, Introduction, Notification, SuggestionReview
from app.models.search_outbox import SearchOutbox
from app.models.talent import Talent
from app.models.user import ApiToken, RevokedSession, ThrottleCounter, User

__all__ = [
    "AnonymousOutcome",
    "ApiToken",
    "AppSetting",
    "AuditLog",
    "ContactReveal",
    "Demand",
    "Dispatch",
    "DispatchReversion",
    "DuplicatePair",
    "DuplicateScan",
    "Enterprise",
    "ImportBatch",
    "ImportRow",
    "Introduction",
    "MatchRun",
    "Nomination",
    "Notification",
    "Organization",
    "PairDecision",
    "PublicInterest",
    "RevokedSession",
    "SearchOutbox",
    "Suggestion",
    "SuggestionReview",
    "Talent",
    "TalentErasure",
    "TalentMerge",
    "TalentMergeMember",
    "ThrottleCounter",
    "User",
]
