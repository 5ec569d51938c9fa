"""The Admin page's sections: accounts, reason codes and the audit log."""
