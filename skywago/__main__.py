from skywago.cli import main

main()
