"""The sign-in page's sections: the password form, and the OIDC button when a provider is configured."""
