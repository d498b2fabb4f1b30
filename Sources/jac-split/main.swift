import JACCommandLine

ToolMain.run(SplitCommand.self)
