@testable import PairwiseStats
import Testing

@Suite struct ByteInternerTests {
    /// Keys of every length from 0 to 40, each once in the middle of a buffer and again at
    /// its very end (where fewer than 16 bytes follow the key's start), must get one number.
    @Test func aKeyGetsTheSameNumberWhereverItSitsInTheBuffer() {
        for length in 0...40 {
            let key = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            let other = Array("zz".utf8)
            let bytes = key + [44] + other + [44] + Array(repeating: 32, count: 20) + [44] + other + [44] + key
            let ends = bytes.count
            bytes.withUnsafeBufferPointer { buffer in
                var interner = ByteInterner()
                let first = interner.index(buffer, 0..<length)
                let middle = interner.index(buffer, length + 1..<length + 3)
                let last = interner.index(buffer, ends - length..<ends)
                let again = interner.index(buffer, ends - length - 3..<ends - length - 1)
                #expect(first.index == 0 && first.isNew)
                #expect(middle.index == 1 && middle.isNew)
                #expect(last.index == 0 && !last.isNew, "length \(length)")
                #expect(again.index == 1 && !again.isNew, "length \(length)")
                #expect(interner.names == [String(decoding: key, as: UTF8.self), "zz"])
            }
        }
    }

    /// Keys that share their first 16 bytes differ by their tails; many keys grow the table.
    @Test func keysThatShareTheirHeadStayApartAcrossGrowth() {
        let keys = (0..<5_000).map { "annotator-number-\($0 * 7919 % 5_000)" }
        let (numbers, names) = Self.intern(keys + keys.reversed())
        #expect(numbers == Array(0..<5_000) + (0..<5_000).reversed())
        #expect(names == keys)
    }

    /// Items listed per annotator, each list missing some: the late items number after the
    /// first list's, whatever order the lookups take.
    @Test func itemsFirstSeenLateKeepTheirNumbers() {
        let first = (0..<30).filter { $0 % 3 != 1 }, second = Array(0..<30), third = (0..<30).filter { $0 % 5 != 0 }
        let lists = [first, second, third]
        let (numbers, names) = Self.intern(lists.flatMap { $0 }.map { "item\($0)" })
        let late = (0..<30).filter { $0 % 3 == 1 }
        let number = { (item: Int) in Int32(first.firstIndex(of: item) ?? first.count + late.firstIndex(of: item)!) }
        #expect(numbers == lists.flatMap { $0 }.map(number))
        #expect(names == (first + late).map { "item\($0)" })
    }

    /// The keys' numbers, looked up one after another in one comma-separated buffer, and
    /// the interner's names.
    static func intern(_ keys: [String]) -> (numbers: [Int32], names: [String]) {
        let bytes = Array(keys.joined(separator: ",").utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var interner = ByteInterner()
            var start = 0, numbers: [Int32] = []
            for i in 0...buffer.count where i == buffer.count || buffer[i] == 44 {
                numbers.append(interner.index(buffer, start..<i).index)
                start = i + 1
            }
            return (numbers, interner.names)
        }
    }
}
