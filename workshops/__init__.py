"""Facilitator workshops: agenda from the data, live anonymous polls, commitments followed up."""
