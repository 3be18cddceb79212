"""Rosters as CSV, for schools without an administration system (rule B9).

`read_csv(data)` turns a CSV file into the same import records as an EDEXML file: every row becomes
the element the EDEXML reader would have read (with the CSV line as its line number) and goes
through the same record readers and whole-file rules (`edexml.records`, `edexml.assemble`), so a CSV
gets exactly the checks, plan and report of an EDEXML file. `template_csv` is the downloadable
template; its columns are named after the EDEXML elements, so messages name the column.
"""

from klaspoort.roster.csvimport.reader import COLUMNS, read_csv
from klaspoort.roster.csvimport.template import template_csv

__all__ = ["COLUMNS", "read_csv", "template_csv"]
