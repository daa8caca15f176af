"""Old dotted paths of background jobs, kept so that jobs already waiting in Redis still run.

RQ stores a job's function as a dotted path ("moderation.jobs.run_check"). The jobs now live
with their stage; a worker started after an upgrade still finds the old names here.
"""

from moderation.intake.jobs import make_thumbnail
from moderation.pipeline.jobs import run_check

__all__ = ["make_thumbnail", "run_check"]
