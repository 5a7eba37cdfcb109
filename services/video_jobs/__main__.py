"""`python -m services.video_jobs`: serve until SIGTERM."""

from services.video_jobs.server import main

main()
