import JACSystem

import Glibc

/// Events from several threads in the order they happened, to check that one waits for another.
final class EventLog: @unchecked Sendable {
    private let monitor = Monitor()
    private var events: [String] = []

    func add(_ event: String) {
        monitor.lock()
        events.append(event)
        monitor.unlock()
    }

    var all: [String] {
        monitor.lock()
        defer { monitor.unlock() }
        return events
    }
}

/// A flag threads wait on: `open` lets every waiter through.
final class Gate: @unchecked Sendable {
    private let monitor = Monitor()
    private var isOpen = false

    func open() {
        monitor.lock()
        isOpen = true
        monitor.broadcast()
        monitor.unlock()
    }

    func wait() {
        monitor.lock()
        while !isOpen { monitor.wait() }
        monitor.unlock()
    }
}

/// Sleeps long enough for a thread that does not wait as it should to get ahead.
func pause() {
    usleep(50_000)
}

/// Runs `body` on a new thread and returns a gate that opens once it is done.
func onThread(_ body: @escaping @Sendable () -> Void) throws -> Gate {
    let done = Gate()
    try startThread {
        body()
        done.open()
    }
    return done
}
