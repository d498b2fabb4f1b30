import JACCommandLine

SqueezeCommand.main()
