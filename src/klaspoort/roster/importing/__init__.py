"""Roster import: read → plan (a pure diff) → guard → apply (one transaction) → report.

Entry point: `actions.do_import_edexml(school, data, source=..., ...)`.
"""
