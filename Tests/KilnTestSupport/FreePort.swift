#if canImport(Glibc)
import Glibc
#endif

/// A TCP port for a service under test's ops server.
///
/// Random ports in 20000–60000 collide sooner or later with Linux's ephemeral range (32768–60999), which
/// every outgoing client connection draws from; this picks ports below that range and checks that they can
/// be bound on all addresses right now, so a test's service does not die at start with EADDRINUSE.
public enum FreePort {
    /// A port in 10000–32000 that nothing is bound to at the moment of the call.
    public static func next() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 10_000...32_000)
            if isFree(port) { return port }
        }
        return Int.random(in: 10_000...32_000)
    }

    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: INADDR_ANY)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
