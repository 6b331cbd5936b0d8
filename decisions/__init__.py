"""Decision register and decision-stability check-ins."""
