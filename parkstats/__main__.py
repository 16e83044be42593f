from parkstats.cli import main

main()
