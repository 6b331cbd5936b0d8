"""The pure maths of Trust OS: DataFrames in, DataFrames out; no Django, no database, no I/O.

Django code loads data into these functions (one adapter per source, e.g. scoring/adapter.py)
and stores what they return.
"""
