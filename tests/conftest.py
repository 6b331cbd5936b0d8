"""pytest configuration shared by every test package."""
