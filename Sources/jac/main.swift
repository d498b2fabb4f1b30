import JACCommandLine

ToolMain.run(JacCommand.self)
