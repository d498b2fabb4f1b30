import ArgumentParser

public struct SplitCommand: ParsableCommand { public init() {} }
public struct SqueezeCommand: ParsableCommand { public init() {} }
public struct AssembleCommand: ParsableCommand { public init() {} }
public struct VerifyCommand: ParsableCommand { public init() {} }
