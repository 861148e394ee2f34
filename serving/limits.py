"""The limits of a ranking request, named once and used by every door (Python, HTTP, page).

They keep one request from taking the server down (CPU of huge filters, memory of huge
vacancies) and keep nonsense out (dates no dataset covers, unbounded ids).
"""

from datetime import date

MAX_TOP_K = 100                 # candidates returned by one ranking
MAX_FILTER_IDS = 2_000          # ids in one unit / region / domain pool filter
MAX_STANDARDS = 40              # competency codes in an ad-hoc vacancy's standards
MAX_ID_LENGTH = 100             # characters of a position, unit, region or domain id
MAX_BODY_BYTES = 1_000_000      # bytes of one request body (1 MB)
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(2200, 12, 31)
MAX_NOTE_LENGTH = 2_000         # characters of a reviewer's note
MAX_NAME_LENGTH = 200           # characters of a reviewer's name
MAX_QUERY_LENGTH = 200          # characters of a position search
MAX_ECHO = 60                   # characters of a value quoted back in an error message
MAX_EXCLUDED_PAGE = 500         # excluded employees in one page (HTTP, reviewer page)
DEFAULT_EXCLUDED_PAGE = 50
MAX_BATCH = 50                  # rankings in one batch request (POST /v1/rankings:batch)
BATCH_TIME_BUDGET_S = 120.0     # seconds a batch may rank for; the rest are answered as errors
MAX_WHAT_IF_TRAININGS = 10      # trainings tried together in one what-if request
