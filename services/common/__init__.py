"""The bootstrap every service follows: settings, JSON logs with request ids, one interceptor
(errors → status, metrics, deadlines), health, reflection, graceful shutdown (`serve`)."""
