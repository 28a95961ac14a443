from hepatoboard.cli import main

main()
