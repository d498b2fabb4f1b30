import JACCommandLine

ToolMain.run(SqueezeCommand.self)
