"""VideoJobs: durable try-on video jobs — their rows (store), tenants and keys (tenants), the
procrastinate queue (queue) and signed completion callbacks (callbacks)."""
