"""``python -m cli``: the grassroots command."""

from cli.main import main

raise SystemExit(main())
