import JACCommandLine

JacCommand.main()
