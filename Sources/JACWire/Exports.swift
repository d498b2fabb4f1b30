// JACError lives in JACSystem, the lowest module, because the byte sources and sinks there throw
// it; every module above speaks it, so JACWire hands it on (only it, not the rest of JACSystem).
@_exported import struct JACSystem.JACError
