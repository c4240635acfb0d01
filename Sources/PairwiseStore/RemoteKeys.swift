import Foundation
import PairwiseCore

/// A key a person labels with over SSH: the SSH server verifies the key, and the project
/// says whose it is.
public struct RemoteKey: Equatable, Sendable {
    public var name: String
    public var role: Role
    public var key: SSHPublicKey
    public var addedAt: String
}

extension ProjectStore {
    /// Every registered key, by person then fingerprint.
    public func remoteKeys() throws -> [RemoteKey] {
        try read { sql in try Self.remoteKeys(sql) }
    }

    static func remoteKeys(_ sql: SQLConnection) throws -> [RemoteKey] {
        try sql.records("""
            SELECT p.name, p.role, k.fingerprint, k.public_key, k.added_at FROM remote_keys k JOIN annotators p ON p.id = k.annotator_id
            ORDER BY p.name, k.fingerprint
            """) { row in
            let stored = try row.text("public_key")
            guard case .success(let key) = SSHPublicKey.parse(stored) else {
                throw StoreError(.invalid, "the stored key \(try row.text("fingerprint")) is not a public key")
            }
            return RemoteKey(name: try row.text("name"), role: Role(rawValue: try row.text("role")) ?? .annotator, key: key,
                             addedAt: try row.text("added_at"))
        }
    }

    /// Whose key this fingerprint is (nil: no one's, or no longer).
    public func remotePerson(fingerprint: String) throws -> (name: String, role: Role)? {
        try read { sql in
            try sql.record("""
                SELECT p.name, p.role FROM remote_keys k JOIN annotators p ON p.id = k.annotator_id WHERE k.fingerprint = \(fingerprint)
                """) { (try $0.text("name"), Role(rawValue: try $0.text("role")) ?? .annotator) }
        }
    }

    /// Registers `key` as `name`'s, adding the person with `role` (default annotator) when new.
    /// A person's role is not changed here: a `role` other than theirs is refused. `publish`
    /// gets every key as it will stand and runs inside the transaction, so that when it
    /// fails (the authorized_keys file cannot be written) nothing is registered.
    @discardableResult
    public func addRemoteKey(_ key: SSHPublicKey, for name: String, role: Role?, publish: ([RemoteKey]) throws -> Void) throws -> RemoteKey {
        try write { sql in
            if let owner = try sql.record("""
                SELECT p.name FROM remote_keys k JOIN annotators p ON p.id = k.annotator_id WHERE k.fingerprint = \(key.fingerprint)
                """, { try $0.text("name") }) {
                throw StoreError(.alreadyExists, "the key \(key.fingerprint) is already \(owner)'s: one key, one person (`pairwise remote remove \(key.fingerprint)` first)")
            }
            let now = Timestamp.string(Date())
            let person: (id: Int64, role: Role)
            if let existing = try sql.record("SELECT id, role FROM annotators WHERE name = \(name)", {
                (try $0.int64("id"), Role(rawValue: try $0.text("role")) ?? .annotator)
            }) {
                if let role, role != existing.1 {
                    throw StoreError(.refused, "\(name) is \(existing.1 == .lead ? "a lead" : "an annotator") in this project; change a role with `pairwise annotators add \(name) --role \(role.rawValue)`, then add the key")
                }
                person = existing
            } else {
                let role = role ?? .annotator
                guard let id = try sql.integer("INSERT INTO annotators (name, role, created_at) VALUES (?, ?, ?) RETURNING id",
                                               [.text(name), .text(role.rawValue), .text(now)]) else {
                    throw StoreError(.database, "\(name) was not added")
                }
                person = (id, role)
            }
            try sql.execute("INSERT INTO remote_keys (fingerprint, annotator_id, public_key, added_at) VALUES (\(key.fingerprint), \(person.id), \(key.line), \(now))")
            try publish(try Self.remoteKeys(sql))
            return RemoteKey(name: name, role: person.role, key: key, addedAt: now)
        }
    }

    /// Removes the keys of the person named `nameOrFingerprint`, or the one key with that
    /// fingerprint; returns what was removed (refused when nothing matches). `publish` as in
    /// `addRemoteKey`.
    public func removeRemoteKeys(matching nameOrFingerprint: String, publish: ([RemoteKey]) throws -> Void) throws -> [RemoteKey] {
        try write { sql in
            let all = try Self.remoteKeys(sql)
            let removed = all.filter { $0.key.fingerprint == nameOrFingerprint || $0.name == nameOrFingerprint }
            guard !removed.isEmpty else {
                throw StoreError(.notFound, "no key of \(nameOrFingerprint) is registered (`pairwise remote list` shows them)")
            }
            for key in removed { try sql.execute("DELETE FROM remote_keys WHERE fingerprint = \(key.key.fingerprint)") }
            try publish(all.filter { key in !removed.contains(key) })
            return removed
        }
    }
}
