import CCrypto

/// SHA-256 (FIPS 180-4), used for item identity: the content hash of a prompt and its two
/// responses. Computed by the system's libcrypto (OpenSSL's EVP interface), which uses the
/// CPU's SHA instructions where it has them.
public struct SHA256 {
    private let context: Context

    public init() { context = Context() }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBufferPointer { context.update($0) }
    }

    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { context.update($0) }
    }

    /// The 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context.pointer, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    /// Lower-case hex digest of a string's UTF-8 bytes.
    public static func hex(_ string: String) -> String {
        var string = string
        return string.withUTF8 { hex(bytes: $0) }
    }

    /// Lower-case hex digest of bytes.
    public static func hex(bytes: UnsafeBufferPointer<UInt8>) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        return Array(digest.prefix(Int(length))).hexString
    }

    /// One EVP digest context, freed with the last copy of the hasher.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            pointer = EVP_MD_CTX_new()
            EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
        }

        func update(_ bytes: UnsafeBufferPointer<UInt8>) {
            EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count)
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
