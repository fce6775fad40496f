/// Interns tag strings to small integers so tag sets can be bitsets (`TagBitset`).
///
/// Numbers are handed out densely from 0 and never reused: a tag keeps its number for the life of the
/// dictionary, so every bitset built from it stays valid. The vocabulary of a Debusine instance is a few
/// hundred strings, so keeping them all is cheap.
public struct TagDictionary: Sendable {
    private var numbers: [String: Int] = [:]
    /// The interned tags, indexed by their number.
    public private(set) var tags: [String] = []

    public init() {}

    /// The number of `tag`, interning it if it is new.
    public mutating func intern(_ tag: String) -> Int {
        if let number = numbers[tag] { return number }
        let number = tags.count
        numbers[tag] = number
        tags.append(tag)
        return number
    }

    /// The number of `tag` if it was ever interned.
    public func number(of tag: String) -> Int? { numbers[tag] }

    /// The bitset of `tags`, interning the new ones.
    public mutating func bitset(of tags: some Sequence<String>) -> TagBitset {
        var bitset = TagBitset()
        for tag in tags { bitset.insert(intern(tag)) }
        return bitset
    }

    /// How many distinct tags were interned.
    public var count: Int { tags.count }
}
