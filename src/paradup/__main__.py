from paradup.cli import main

main()
