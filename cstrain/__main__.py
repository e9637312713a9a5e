from cstrain.cli import main

main()
