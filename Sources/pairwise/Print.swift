import PairwiseCommandLine

/// `print` in this module: a line for people, made safe (see `Console`). It shadows the
/// standard library's so that nothing here prints around the sanitizer.
func print(_ text: String = "") {
    Console.line(text)
}
