"""Celery tasks of the promo codes app: each fetches by id and calls a service; safe to run again."""

from celery import shared_task

from promocodes.services.generation import job_run


@shared_task
def generate_codes(job_id: int) -> int:
    """Generate a job's codes into its pool; returns how many the job has generated."""
    job = job_run(job_id)
    return job.generated if job is not None else 0
