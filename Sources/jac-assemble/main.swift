import JACCommandLine

ToolMain.run(AssembleCommand.self)
