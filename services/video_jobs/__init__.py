"""VideoJobs: one durable call from a garment to a finished try-on video."""
