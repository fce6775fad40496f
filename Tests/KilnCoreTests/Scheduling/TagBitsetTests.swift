import KilnCore
import PropertyBased
import Testing

@Suite("Tag bitsets agree with string sets")
struct TagBitsetTests {
    @Test("property: subset, intersection, union and the summary's quick reject agree with Set<String>")
    func agreesWithSets() async {
        // 0...150 so sets span three words and the summary folds tags onto shared bits.
        let tags = Gen.int(in: 0...150).array(of: 0...6).map { Set($0.map { "t\($0)" }) }
        await propertyCheck(count: 300, input: tags, tags) { left, right in
            var dictionary = TagDictionary()
            let a = dictionary.bitset(of: left)
            let b = dictionary.bitset(of: right)
            #expect(a.isSubset(of: b) == left.isSubset(of: right))
            #expect(a.intersection(b) == dictionary.bitset(of: left.intersection(right)))
            #expect(a.union(b) == dictionary.bitset(of: left.union(right)))
            if left.isSubset(of: right) { #expect(a.summary & ~b.summary == 0) }
            #expect(a.isEmpty == left.isEmpty)
            #expect(left.allSatisfy { dictionary.number(of: $0).map(a.contains) == true })
        }
    }

    @Test("equal sets are equal bitsets whatever the interning order, with no trailing zero words")
    func canonical() {
        var dictionary = TagDictionary()
        let wide = dictionary.bitset(of: (0..<130).map { "t\($0)" })
        let narrow = dictionary.bitset(of: ["t1"])
        #expect(wide.words.count == 3)
        #expect(wide.intersection(narrow) == narrow)
        #expect(wide.intersection(narrow).words.count == 1)
        #expect(TagBitset(tagNumbers: [1]) == narrow)
        #expect(!TagBitset(tagNumbers: [200]).isSubset(of: wide))
    }
}
