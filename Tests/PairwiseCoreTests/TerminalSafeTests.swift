import PairwiseCore
import Testing

@Suite struct TerminalSafeTests {
    @Test func controlsBecomeVisibleAndLineBreaksStayWhenAsked() {
        let hostile = "a\u{1B}[2J\u{07}\tb\nc\r\u{7F}\u{9B}1m\u{202E}d\u{2066}é👍🏽"
        #expect(TerminalSafe.text(hostile) == "a␛[2J␇\tb\nc␍␡\u{FFFD}1m\u{FFFD}d\u{FFFD}é👍🏽")
        #expect(TerminalSafe.text(hostile, keepingLineBreaks: false) == "a␛[2J␇␉b␊c␍␡\u{FFFD}1m\u{FFFD}d\u{FFFD}é👍🏽")
        #expect(TerminalSafe.text("plain — “quoted” text\n") == "plain — “quoted” text\n")
    }
}
