import Foundation
import PairwiseCore
import Testing

/// Public keys read as OpenSSH reads them: the fingerprint equals `ssh-keygen -l`'s for keys
/// `ssh-keygen` makes, and what is not a public key is refused with what is wrong.
@Suite struct SSHPublicKeyTests {
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")),
          arguments: [["-t", "ed25519"], ["-t", "rsa", "-b", "2048"], ["-t", "ecdsa", "-b", "256"], ["-t", "ecdsa", "-b", "521"]])
    func theFingerprintIsSSHKeygens(_ type: [String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("key").path
        _ = try Self.run(["-q"] + type + ["-N", "", "-C", "someone@laptop with spaces", "-f", path])
        // "256 SHA256:… comment (ED25519)"
        let reference = try Self.run(["-l", "-f", path + ".pub"]).split(separator: " ")[1]
        let text = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        let key = try SSHPublicKey.parse(text).get()
        #expect(key.fingerprint == String(reference))
        #expect(key.line + " someone@laptop with spaces\n" == text)
    }

    @Test func whatIsNotAPublicKeyIsRefused() {
        let body = "AAAAC3NzaC1lZDI1NTE5AAAAIIr8LKXB0uTRnsY97tvCNjO7OBfHCUPaGKGhRBivL3tb"
        #expect(throws: Never.self) { try SSHPublicKey.parse("# mine\n\nssh-ed25519 \(body) a\n").get() }
        let cases: [(String, String)] = [
            ("", "holds no public key"),
            ("ssh-ed25519", "is not an OpenSSH public key line (TYPE BASE64 [COMMENT])"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
             "has a key of type -----BEGIN, not one OpenSSH accepts for users (this looks like a private key: give the .pub file)"),
            ("ssh-dss \(body)", "has a key of type ssh-dss, not one OpenSSH accepts for users"),
            ("ssh-ed25519 not*base64", "has a key body that is not base64"),
            ("ssh-rsa \(body)", "has a key body that does not say it is ssh-rsa"),
            ("ssh-ed25519 \u{1B}[31m", "has a key body that is not base64"),
        ]
        for (text, message) in cases {
            guard case .failure(let problem) = SSHPublicKey.parse(text) else { Issue.record("accepted \(text)"); continue }
            #expect(problem.message == message)
        }
        // A type with escape sequences is named safely.
        guard case .failure(let problem) = SSHPublicKey.parse("\u{1B}]0;x\u{07} \(body)") else { Issue.record("accepted"); return }
        #expect(!problem.message.contains("\u{1B}"))
    }
}
