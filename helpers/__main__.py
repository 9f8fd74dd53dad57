"""``python -m helpers`` runs the set-up check."""

from helpers.setup_check import main

raise SystemExit(main())
