/// A growable set of task class ids as a bitset, the index's currency for eligibility: which task classes
/// require a tag, provide a tag, carry a task name, are alive, or may run on a worker class. Answering "which
/// task classes may this worker class run" becomes a few word-wise ORs and ANDs over these sets, 64 classes
/// per instruction, instead of one subset test per (worker class, task class) pair.
struct TaskClassBitset: Sendable {
    /// The words, lowest task class id first; may end with zero words.
    private(set) var words: [UInt64] = []

    /// Adds task class `id` (non-negative).
    mutating func insert(_ id: Int) {
        let wordIndex = id >> 6
        if wordIndex >= words.count { words.append(contentsOf: repeatElement(0, count: wordIndex - words.count + 1)) }
        words[wordIndex] |= 1 << UInt64(id & 63)
    }

    /// Makes room for `count` words at once, so filling a fresh eligible set word by word does not grow the
    /// array once per word (that growth was 5% of the instructions of a 50k/2000 run).
    mutating func extend(toWordCount count: Int) {
        if count > words.count { words.append(contentsOf: repeatElement(0, count: count - words.count)) }
    }

    /// Adds the task classes `bits` stands for in word `wordIndex`.
    mutating func insert(word bits: UInt64, at wordIndex: Int) {
        if wordIndex >= words.count { words.append(contentsOf: repeatElement(0, count: wordIndex - words.count + 1)) }
        words[wordIndex] |= bits
    }

    /// Removes task class `id`.
    mutating func remove(_ id: Int) {
        let wordIndex = id >> 6
        guard wordIndex < words.count else { return }
        words[wordIndex] &= ~(1 << UInt64(id & 63))
    }

    /// `true` iff task class `id` is in the set.
    func contains(_ id: Int) -> Bool {
        let wordIndex = id >> 6
        guard id >= 0, wordIndex < words.count else { return false }
        return words[wordIndex] & (1 << UInt64(id & 63)) != 0
    }

    /// The word holding task classes `64 * index ..< 64 * (index + 1)` (zero past the end).
    func word(at index: Int) -> UInt64 { index < words.count ? words[index] : 0 }

    /// ORs the words `range` of this set into `accumulator`, whose first element stands for word
    /// `range.lowerBound`.
    func or(wordsIn range: Range<Int>, into accumulator: inout [UInt64]) {
        let end = min(range.upperBound, words.count)
        guard range.lowerBound < end else { return }
        words.withUnsafeBufferPointer { mine in
            accumulator.withUnsafeMutableBufferPointer { target in
                for index in range.lowerBound..<end { target[index - range.lowerBound] |= mine[index] }
            }
        }
    }

    /// ANDs the words `range` of this set into `accumulator` (words past the end count as zero).
    func and(wordsIn range: Range<Int>, into accumulator: inout [UInt64]) {
        words.withUnsafeBufferPointer { mine in
            accumulator.withUnsafeMutableBufferPointer { target in
                for index in range {
                    target[index - range.lowerBound] &= index < mine.count ? mine[index] : 0
                }
            }
        }
    }
}
