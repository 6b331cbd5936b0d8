"""Organizations (tenants), teams, people, roles and the audit log."""
