import JACCommandLine

VerifyCommand.main()
