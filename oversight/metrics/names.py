"""Every metric name a DailyFigure row may carry, with what its queue / dimension / detail hold.

Collected today (providers in oversight.metrics.providers):
"""

# Review (provider "review"), from submissions and decisions.
BACKLOG = "backlog"  # queue; dimension = SLA state; items waiting at the end of the day (now, for today)
INTAKE = "intake"  # queue; items whose wait began that day
DECISIONS = "decisions"  # queue (the decision's); dimension = outcome
MODERATOR_DECISIONS = "moderator_decisions"  # queue; dimension = moderator id; detail = outcome
TIME_TO_DECISION = "time_to_decision"  # queue; dimension = histogram bucket (see timing.py); final decisions
SLA_DECIDED = "sla_decided"  # queue; dimension = "met" | "breached"; final decisions
REASONS = "reasons"  # queue; dimension = reason code; detail = outcome
RESTRICTIONS = "restrictions"  # dimension = reason code; detail = "automated" | "manual" detection
OVERRIDES = "overrides"  # queue; approvals over blocking findings

# Checks (provider "checks"), from check runs finished that day.
CHECK_RUNS = "check_runs"  # dimension = check kind; detail = run status
FINDINGS = "findings"  # dimension = finding code; detail = severity
LABEL_TIERS = "label_tiers"  # dimension = tier the label check decided

# Accounts (provider "sanctions").
SANCTIONS = "sanctions"  # dimension = sanction kind (warning, restriction, suspension, closure)

# The DSA notices and complaints (Art. 16 and 20): providers notices.metrics and complaints.metrics,
# registered by those apps. Without them (an installation leaving the apps out) the page and the
# report say "not yet collected".
NOTICES = "notices"  # dimension = DSA category; detail = "trusted_flagger" | "other"; by day received
NOTICE_ACTIONS = "notice_actions"  # dimension = DSA category; detail = ground ("legal", "terms", "none")
NOTICE_AUTOMATED = "notice_automated"  # dimension = "yes" | "no": notices decided by automated means
NOTICE_TIME_TO_ACTION = "notice_time_to_action"  # dimension = histogram bucket; notice to decision
# dimension = basis (who complained: "contributor", "notifier", "account_holder"); detail = "received"
# on the day it came in, "upheld" or "reversed" on the day it was answered.
COMPLAINTS = "complaints"
COMPLAINT_TIME_TO_DECISION = "complaint_time_to_decision"  # dimension = histogram bucket
OVERTURNED = "overturned"  # queue (review queue, "publication" or "account"); reversed on complaint

PLANNED = (
    NOTICES,
    NOTICE_ACTIONS,
    NOTICE_AUTOMATED,
    NOTICE_TIME_TO_ACTION,
    COMPLAINTS,
    COMPLAINT_TIME_TO_DECISION,
    OVERTURNED,
)
