import JACCommandLine

SplitCommand.main()
