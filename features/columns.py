"""Table and column names of the contract (``../shared/CONTRACT.md``), in one place.

Every module refers to a column through these constants; a rename happens here only.
Derived columns (features, labels) are named in :mod:`features.names`.
"""

# --- tables -----------------------------------------------------------------------------
EMPLOYEES = "employees"
EXITS = "exits"
REGIONS = "regions"
UNITS = "units"
POSITIONS = "positions"
POSITION_COMPETENCIES = "position_competencies"
ASSIGNMENTS = "assignments"
GRADES = "grades"
EDUCATION = "education"
APPRAISALS = "appraisals"
COMPETENCY_ASSESSMENTS = "competency_assessments"
TRAININGS = "trainings"
TRAINING_CATALOG = "training_catalog"
DISCIPLINE = "discipline"
PREFERENCES = "preferences"
STATUS_PERIODS = "status_periods"
SURVEYS = "surveys"                        # post-move feedback: outcomes and signals, never features
SERVICE_INDICATORS = "service_indicators"  # per-unit service outcomes (e.g. IKM): never features

TABLES = (
    EMPLOYEES, EXITS, REGIONS, UNITS, POSITIONS, POSITION_COMPETENCIES, ASSIGNMENTS,
    GRADES, EDUCATION, APPRAISALS, COMPETENCY_ASSESSMENTS, TRAININGS, TRAINING_CATALOG,
    DISCIPLINE, PREFERENCES, STATUS_PERIODS, SURVEYS, SERVICE_INDICATORS,
)
OPTIONAL_TABLES = (EXITS, PREFERENCES, TRAINING_CATALOG, STATUS_PERIODS, SURVEYS, SERVICE_INDICATORS)

# --- ids ------------------------------------------------------------------------------
EMPLOYEE_ID = "employee_id"
REGION_ID = "region_id"
UNIT_ID = "unit_id"
POSITION_ID = "position_id"
PARENT_UNIT_ID = "parent_unit_id"
HOME_REGION_ID = "home_region_id"
PREFERRED_REGION_ID = "preferred_region_id"
TRAINING_CODE = "training_code"
COMPETENCY_CODE = "competency_code"

# --- employees / exits ----------------------------------------------------------------
BIRTH_DATE = "birth_date"
GENDER = "gender"
EMPLOYMENT_STATUS = "employment_status"
CPNS_DATE = "cpns_date"
RETIREMENT_AGE = "retirement_age"
DISPLAY_NAME = "display_name"          # shown to reviewers only, never a feature
EXIT_DATE = "exit_date"
REASON = "reason"

# --- regions / units / positions --------------------------------------------------------
NAME = "name"
LATITUDE = "latitude"
LONGITUDE = "longitude"
REMOTE = "remote"
DOMAIN = "domain"
TITLE = "title"
POSITION_TYPE = "position_type"
FUNCTIONAL_LEVEL = "functional_level"
JOB_CLASS = "job_class"
MIN_GRADE = "min_grade"
MIN_EDUCATION = "min_education"
REQUIRED_LEVEL = "required_level"
STRATEGIC = "strategic"               # optional bool: a key post
REQUIRED_FIELDS = "required_fields"   # optional ';'-separated education fields a post needs

# --- a mutasi round (contract section 6) -------------------------------------------------
ROUND = "round"                        # table name used in round validation messages
HEADCOUNT = "headcount"
PRIORITY = "priority"

# --- histories ------------------------------------------------------------------------
START_DATE = "start_date"
END_DATE = "end_date"
MOVE_TYPE = "move_type"
EFFECTIVE_DATE = "effective_date"
GRADE = "grade"
LEVEL = "level"
FIELD = "field"
GRADUATION_DATE = "graduation_date"
PERIOD_START = "period_start"
PERIOD_END = "period_end"
RATING = "rating"
WORK_RESULT = "work_result"
WORK_BEHAVIOR = "work_behavior"
ASSESSED_DATE = "assessed_date"
HOURS = "hours"
CATEGORY = "category"
COMPETENCY_CODES = "competency_codes"
STATED_DATE = "stated_date"
PREFERRED_DOMAIN = "preferred_domain"
WILLING_TO_RELOCATE = "willing_to_relocate"
KIND = "kind"                          # status_periods: tugas_belajar, ikatan_dinas, cltn, ...
SURVEY_DATE = "survey_date"
SATISFACTION = "satisfaction"          # surveys: 1 (very unhappy) .. 5 (very satisfied)
WANTS_TO_STAY = "wants_to_stay"        # surveys: optional bool
COMMENT = "comment"                    # surveys: optional free text, never a feature
INDICATOR = "indicator"                # service_indicators: open code, e.g. ikm
VALUE = "value"
HIGHER_IS_BETTER = "higher_is_better"

# columns of these tables are never model features (outcomes and signals only)
OUTCOME_TABLES = (SURVEYS, SERVICE_INDICATORS)

# --- protected attributes (contract section 2): never model features --------------------
PROTECTED_COLUMNS = (GENDER, BIRTH_DATE, HOME_REGION_ID)
