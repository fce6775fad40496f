/// The task classes indexed by everything eligibility looks at, one `TaskClassBitset` per tag or task name,
/// so a worker class's eligible set is computed 64 task classes per word operation:
/// eligible = live ∧ ¬(⋃ classes requiring a tag the worker lacks) ∧ (⋂ classes providing each tag the
/// worker requires) ∧ (classes whose task name its task lists permit).
///
/// Its cost grows with the tags task classes require (a vocabulary, tens to hundreds) times task classes / 64,
/// instead of worker classes × task classes subset tests.
struct TaskClassSets: Sendable {
    /// Indexed by tag number: the task classes requiring that tag.
    var requiringTag: [TaskClassBitset] = []
    /// Tag numbers some task class requires, each once: the only tags whose absence excludes task classes.
    var requiredTagNumbers: [Int] = []
    /// By tag number, for tags some worker requires: the task classes providing that tag.
    var providingTag: [Int: TaskClassBitset] = [:]
    /// Task names seen, by interned number.
    var taskNames: [String] = []
    var taskNameNumbers: [String: Int] = [:]
    /// Indexed by task name number: the task classes with that task name.
    var named: [TaskClassBitset] = []
    /// The task classes with pending work.
    var live = TaskClassBitset()
    /// The classes requiring a tag missing from a provided-tag set, by that set, for the word range last asked:
    /// worker classes that differ only in required tags or task lists (a host profile serving one scope, or
    /// refusing a task) share it, so the union over the missing tags, the bulk of the bitset algebra, is done
    /// once per host profile instead of once per worker class. Emptied whenever a class is registered.
    var excludedByProvidedTags: [TagBitset: ExcludedWords] = [:]

    /// Records a new (live) task class.
    mutating func register(_ key: TaskClassKey, as classID: Int) {
        if !excludedByProvidedTags.isEmpty { excludedByProvidedTags = [:] }
        live.insert(classID)
        for tag in key.required.tagNumbers {
            if tag >= requiringTag.count {
                requiringTag.append(contentsOf: repeatElement(TaskClassBitset(), count: tag - requiringTag.count + 1))
            }
            if requiringTag[tag].words.isEmpty { requiredTagNumbers.append(tag) }
            requiringTag[tag].insert(classID)
        }
        for tag in key.relevantProvided.tagNumbers { providingTag[tag, default: TaskClassBitset()].insert(classID) }
        let nameNumber: Int
        if let known = taskNameNumbers[key.taskName] {
            nameNumber = known
        } else {
            nameNumber = taskNames.count
            taskNames.append(key.taskName)
            taskNameNumbers[key.taskName] = nameNumber
            named.append(TaskClassBitset())
        }
        named[nameNumber].insert(classID)
    }

    /// The live task classes among words `wordRange` that a worker class with this key may run, one word per
    /// 64 task classes (the first element stands for word `wordRange.lowerBound`).
    mutating func eligibleWords(for key: WorkerClassKey, in wordRange: Range<Int>) -> [UInt64] {
        let excluded = excludedWords(forProvided: key.provided, in: wordRange)
        var eligible = [UInt64](repeating: 0, count: wordRange.count)
        live.or(wordsIn: wordRange, into: &eligible)
        for index in eligible.indices { eligible[index] &= ~excluded[index] }
        for tag in key.required.tagNumbers {
            guard let providing = providingTag[tag] else { return [UInt64](repeating: 0, count: wordRange.count) }
            providing.and(wordsIn: wordRange, into: &eligible)
        }
        let filter = key.taskNameFilter
        if filter.allowlist != nil || !filter.denylist.isEmpty {
            var permitted = [UInt64](repeating: 0, count: wordRange.count)
            for (number, name) in taskNames.enumerated() where filter.permits(taskName: name) {
                named[number].or(wordsIn: wordRange, into: &permitted)
            }
            for index in eligible.indices { eligible[index] &= permitted[index] }
        }
        return eligible
    }

    /// The task classes among words `wordRange` requiring a tag not in `provided` (memoized, see
    /// `excludedByProvidedTags`).
    mutating func excludedWords(forProvided provided: TagBitset, in wordRange: Range<Int>) -> [UInt64] {
        if let memo = excludedByProvidedTags[provided], memo.wordRange == wordRange { return memo.words }
        var excluded = [UInt64](repeating: 0, count: wordRange.count)
        for tag in requiredTagNumbers where !provided.contains(tag) {
            requiringTag[tag].or(wordsIn: wordRange, into: &excluded)
        }
        excludedByProvidedTags[provided] = ExcludedWords(wordRange: wordRange, words: excluded)
        return excluded
    }
}

/// One memoized exclusion (`TaskClassSets.excludedByProvidedTags`): valid while no task class is registered,
/// since existing classes never change their required tags.
struct ExcludedWords: Sendable {
    /// The words it covers (the first element of `words` stands for `wordRange.lowerBound`).
    let wordRange: Range<Int>
    let words: [UInt64]
}

extension TagBitset {
    /// The interned tag numbers in the set, in increasing order.
    var tagNumbers: [Int] {
        var numbers: [Int] = []
        for (wordIndex, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                numbers.append(wordIndex << 6 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return numbers
    }
}
