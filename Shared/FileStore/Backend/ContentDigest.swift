import Crypto
import Foundation

/// SHA-256 computed as bytes pass, so an upload is checked while it is written and a file is hashed without
/// being read into memory.
public struct ContentDigest: Sendable {
    private var hasher = SHA256()
    /// Bytes seen so far.
    public private(set) var byteCount = 0

    /// An empty digest.
    public init() {}

    /// Adds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        byteCount += bytes.count
    }

    /// Adds `data`.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hexadecimal digits (the form `files.sha256` holds).
    public func hex() -> String { Self.hex(hasher.finalize()) }

    /// `bytes` as lower-case hexadecimal digits, two per byte (any digest's usual spelling).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 and size of the file at `url`, read 1 MiB at a time.
    ///
    /// - Throws: the error opening or reading it, naming the file.
    public static func of(fileAt url: URL) throws -> (sha256: String, size: Int) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var digest = ContentDigest()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            digest.update(chunk)
        }
        return (digest.hex(), digest.byteCount)
    }
}
