"""The reviewer web page (``/review``): pick a post and a date, see the ranked and
excluded employees with explanations, and record accept / reject / reorder decisions."""

from serving.web.routes import mount_review

__all__ = ["mount_review"]
