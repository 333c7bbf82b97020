"""Spreadsheet import (two steps: preview, commit) and export of talents, demands, enterprises."""
