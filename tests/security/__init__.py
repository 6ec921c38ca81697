"""Security properties: network exposure, who may command the helper, private storage, secrets in logs."""
