"""Round planning: many vacancies filled together (contract section 6)."""
