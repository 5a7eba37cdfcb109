"""`python -m services.media_assembler`: serve until SIGTERM."""

from services.media_assembler.server import main

main()
