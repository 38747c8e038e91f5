from graphwarm.cli import main

main(prog_name="graphwarm")
