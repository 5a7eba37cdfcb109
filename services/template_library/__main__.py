"""`python -m services.template_library`: serve until SIGTERM."""

from services.template_library.server import main

main()
