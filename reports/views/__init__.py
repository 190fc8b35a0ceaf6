"""The reports app's pages, one module per surface: dashboard.py (the QA dashboard); hr.py
(performance and the HR export); files.py (generated PDF reports)."""
