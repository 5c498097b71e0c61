from kepu_inspect.cli.app import main

main()
