"""The reviewer web page (``/review``): pick a post and a date, see the ranked and
excluded employees with explanations, and record accept / reject / reorder decisions.

``serving.web.routes.mount_review`` adds it to the API's app. This file imports nothing,
so that importing a helper (``serving.web.views``) never pulls the routes in."""
