"""Reports out of the store: CSV (:mod:`~cstrain.reports.exports`, one module per kind of report
beside it) and terminal tables."""

# The reports by name; their functions are cstrain.reports.exports.REPORTS. Kept here so the CLI
# can offer them without importing SQLAlchemy.
REPORT_NAMES = ("completions", "assignments", "attempts", "items", "summary", "drill-attempts",
                "checkpoints")
