import CMemory

/// How the C allocator treats large blocks in this process.
enum LargeAllocations {
    /// Blocks of a megabyte and more are mapped on their own and given back when freed.
    /// Otherwise glibc raises that threshold as blocks are freed and keeps freed blocks in
    /// each thread's arena: the trainer's fits, eight threads that each free and allocate
    /// arrays of 2 MB every round, then held about 250 MB more at 333k items (1.29 GB
    /// peak, 1.03 GB with this).
    static func returnToTheSystemWhenFreed() {
        pairwise_map_blocks_from(1 << 20)
    }
}
