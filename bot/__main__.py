"""`python -m bot` is `claimbot`."""

from bot.cli import main

raise SystemExit(main())
