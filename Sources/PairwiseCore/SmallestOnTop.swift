/// The `capacity` largest values offered, the smallest of them on top (a binary min-heap):
/// the largest few of millions without sorting them all.
public struct SmallestOnTop<Element: Comparable> {
    public let capacity: Int
    private var heap: [Element] = []

    public init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    public var isFull: Bool { heap.count >= capacity }
    /// The smallest of the values kept.
    public var top: Element { heap[0] }
    /// The values kept, in no order.
    public var kept: [Element] { heap }

    public mutating func offer(_ value: Element) {
        if heap.count < capacity {
            heap.append(value)
            var child = heap.count - 1
            while child > 0, heap[(child - 1) / 2] > heap[child] {
                heap.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
        } else if capacity > 0 && value > heap[0] {
            heap[0] = value
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left] < heap[smallest] { smallest = left }
                if right < heap.count && heap[right] < heap[smallest] { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }
}
