"""Periodic jobs, run by `python manage.py rqcron moderation.cron` beside the workers."""
