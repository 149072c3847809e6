"""The command layer: the ``rotation`` command and its subcommands (the top floor)."""
