/// A set of interned tags as a bitset, so the scheduler's subset tests (`TR ⊆ WP`, `WR ⊆ TP`: Debusine
/// `server/scheduler.py` `get_candidate_work_requests`) are a few word-wise ANDs instead of string-set lookups.
///
/// Bit `n` stands for the tag the owning `TagDictionary` interned as `n`. Trailing zero words are never
/// stored, so two bitsets holding the same tags are equal and hash alike whatever order tags were interned in.
public struct TagBitset: Hashable, Sendable {
    /// The words, least significant tag first; never ends with a zero word.
    public private(set) var words: [UInt64]

    /// The empty set.
    public init() { words = [] }

    /// The set of the given interned tag numbers.
    public init(tagNumbers: some Sequence<Int>) {
        words = []
        for number in tagNumbers { insert(number) }
    }

    /// Adds the tag interned as `number` (non-negative).
    public mutating func insert(_ number: Int) {
        precondition(number >= 0, "tag numbers come from a TagDictionary and are never negative, got \(number)")
        let wordIndex = number >> 6
        if wordIndex >= words.count { words.append(contentsOf: repeatElement(0, count: wordIndex - words.count + 1)) }
        words[wordIndex] |= 1 << UInt64(number & 63)
    }

    /// `true` iff the tag interned as `number` is in the set.
    public func contains(_ number: Int) -> Bool {
        let wordIndex = number >> 6
        guard number >= 0, wordIndex < words.count else { return false }
        return words[wordIndex] & (1 << UInt64(number & 63)) != 0
    }

    /// `true` iff every tag of `self` is in `other`: no word of `self` has a bit that `other` lacks.
    public func isSubset(of other: TagBitset) -> Bool {
        if words.count > other.words.count { return false }  // the top word of self is non-zero by invariant
        return words.withUnsafeBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in mine.indices where mine[index] & ~theirs[index] != 0 { return false }
                return true
            }
        }
    }

    /// The tags in both sets.
    public func intersection(_ other: TagBitset) -> TagBitset {
        var result = TagBitset()
        var words = zip(self.words, other.words).map { $0 & $1 }
        while words.last == 0 { words.removeLast() }
        result.words = words
        return result
    }

    /// The tags in either set.
    public func union(_ other: TagBitset) -> TagBitset {
        var result = TagBitset()
        let (longer, shorter) =
            self.words.count >= other.words.count ? (self.words, other.words) : (other.words, self.words)
        var words = longer
        for index in shorter.indices { words[index] |= shorter[index] }
        result.words = words
        return result
    }

    /// All words OR-ed together: tag `n` lands on bit `n % 64`. If `a ⊆ b` then `a.summary & ~b.summary == 0`,
    /// so comparing summaries rejects most non-subsets with one instruction and no memory access (exact when
    /// fewer than 64 tags were interned).
    public var summary: UInt64 { words.reduce(0, |) }

    /// `true` when no tag is in the set.
    public var isEmpty: Bool { words.isEmpty }
}
