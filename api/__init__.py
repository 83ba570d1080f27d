"""The HTTP API: thin routes over the ``graph`` package."""
