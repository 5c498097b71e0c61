"""考核细则 tables in and out: a rubric as the printed table an office issues, and such a table (the
office's own, in Word or Excel, or an export of this tool) back into a rubric document."""
