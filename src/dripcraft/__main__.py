from dripcraft.cli import cli

cli()
