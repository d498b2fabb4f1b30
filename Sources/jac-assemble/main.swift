import JACCommandLine

AssembleCommand.main()
