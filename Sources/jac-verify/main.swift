import JACCommandLine

ToolMain.run(VerifyCommand.self)
