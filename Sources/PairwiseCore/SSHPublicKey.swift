import Foundation

/// An OpenSSH public key, as one line of a `.pub` file or of `authorized_keys`: its type, its
/// base64 body and its SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:` and
/// unpadded base64 of the digest of the decoded body).
public struct SSHPublicKey: Equatable, Sendable {
    /// The key types OpenSSH's server accepts for user keys.
    public static let types: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    public let type: String
    /// The key's body, base64 as written.
    public let body: String
    public let fingerprint: String

    /// Reads the first key line of a `.pub` file's text (blank lines and `#` comments
    /// skipped); nil with what is wrong in `problem`.
    public static func parse(_ text: String) -> Result<SSHPublicKey, Problem> {
        guard let line = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) else {
            return .failure(Problem(message: "holds no public key"))
        }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 2 else { return .failure(Problem(message: "is not an OpenSSH public key line (TYPE BASE64 [COMMENT])")) }
        guard types.contains(fields[0]) else {
            let hint = fields[0].hasPrefix("-----BEGIN") || line.contains("PRIVATE KEY") ? " (this looks like a private key: give the .pub file)" : ""
            return .failure(Problem(message: "has a key of type \(TerminalSafe.text(String(fields[0].prefix(40)), keepingLineBreaks: false)), not one OpenSSH accepts for users\(hint)"))
        }
        guard let blob = Data(base64Encoded: fields[1]), blob.count > 4 else {
            return .failure(Problem(message: "has a key body that is not base64"))
        }
        // The body starts with its own type, as a length-prefixed string.
        let bytes = [UInt8](blob)
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, 4 + length <= bytes.count, String(decoding: bytes[4..<(4 + length)], as: UTF8.self) == fields[0] else {
            return .failure(Problem(message: "has a key body that does not say it is \(fields[0])"))
        }
        var digest = SHA256()
        digest.update(bytes)
        let fingerprint = "SHA256:" + Data(digest.finalize()).base64EncodedString().replacingOccurrences(of: "=", with: "")
        return .success(SSHPublicKey(type: fields[0], body: fields[1], fingerprint: fingerprint))
    }

    /// What makes a text no public key.
    public struct Problem: Error, Equatable, Sendable {
        public let message: String
    }

    /// The key as `authorized_keys` holds it, without options or comment.
    public var line: String { type + " " + body }
}
