"""The ``grassroots`` command line: thin commands over the application layer (``service``)."""
