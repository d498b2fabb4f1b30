import JACCommandLine

ToolMain.run(JacCommand.self, arguments: JacCommand.arguments(Array(CommandLine.arguments.dropFirst())))
