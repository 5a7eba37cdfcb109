"""`python -m services.product_parser`: serve until SIGTERM."""

from services.product_parser.server import main

main()
