import Foundation
import PairwiseModel
import Testing

/// The trainer's reading pipeline: outputs come back in the order the inputs went in,
/// whichever worker finishes first, with or without workers, and a cancelled pipeline lets
/// its workers go.
@Suite struct OrderedPipelineTests {
    /// Workers that finish out of order (later inputs sleep less) still hand their outputs
    /// over in input order, on the caller's thread, each once.
    @Test(arguments: [0, 1, 3])
    func outputsComeInTheOrderOfTheInputs(workers: Int) {
        let caller = Thread.current
        var consumed: [Int] = []
        var onCaller = true
        let pipeline = OrderedPipeline<Int, Int>(workers: workers, inFlight: 4, transform: { n in
            usleep(UInt32((40 - n % 40) * 50))
            return n * n
        }, consume: { value in
            consumed.append(value)
            onCaller = onCaller && Thread.current == caller
        })
        for n in 0..<200 { pipeline.submit(n) }
        pipeline.finish()
        #expect(consumed == (0..<200).map { $0 * $0 })
        #expect(onCaller)
    }

    /// A producer that fails cancels: what was in flight is not consumed, and `cancel`
    /// returns once the workers are gone.
    @Test func aCancelledPipelineConsumesNoMore() {
        var consumed: [Int] = []
        let pipeline = OrderedPipeline<Int, Int>(workers: 2, inFlight: 2, transform: { n in usleep(20_000); return n },
                                                 consume: { consumed.append($0) })
        for n in 0..<5 { pipeline.submit(n) }
        let before = consumed
        pipeline.cancel()
        #expect(consumed == before)
        #expect(consumed == Array(0..<consumed.count))
        #expect(consumed.count >= 3 && consumed.count <= 5)
    }
}
