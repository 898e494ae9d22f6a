import Testing
@testable import TensorEngine

/// `allocateStreamedMemory`: 2 MiB alignment from the huge-page threshold on, ordinary memory below it, and every
/// byte usable either way.
@Suite struct StreamedMemoryTests {
    @Test(arguments: [streamedMemoryHugePageThreshold, streamedMemoryHugePageThreshold + 12_345, 3 * streamedMemoryAlignment + 1])
    func largeBuffersAreHugePageAligned(byteCount: Int) {
        let memory = allocateStreamedMemory(byteCount: byteCount)
        defer { memory.deallocate() }
        #expect(Int(bitPattern: memory) % streamedMemoryAlignment == 0)
        let bytes = memory.bindMemory(to: UInt8.self, capacity: byteCount)
        for i in stride(from: 0, to: byteCount, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i / 4096) }
        bytes[byteCount - 1] = 0xA5
        for i in stride(from: 0, to: byteCount - 1, by: 4096) { #expect(bytes[i] == UInt8(truncatingIfNeeded: i / 4096)) }
        #expect(bytes[byteCount - 1] == 0xA5)
    }

    @Test(arguments: [0, 1, 1000, streamedMemoryHugePageThreshold - 1])
    func smallBuffersAreOrdinaryAlignedMemory(byteCount: Int) {
        let memory = allocateStreamedMemory(byteCount: byteCount)
        defer { memory.deallocate() }
        #expect(Int(bitPattern: memory) % 64 == 0)
        if byteCount > 0 {
            memory.storeBytes(of: 0x5A, toByteOffset: byteCount - 1, as: UInt8.self)
            #expect(memory.load(fromByteOffset: byteCount - 1, as: UInt8.self) == 0x5A)
        }
    }
}
