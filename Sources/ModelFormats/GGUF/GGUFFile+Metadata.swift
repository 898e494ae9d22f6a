// GGUFFile+Metadata: typed, throwing access to metadata values (missing key / wrong type → GGUFError).

extension GGUFFile {
    /// The value for `key`.
    ///
    /// - Parameter key: A metadata key, e.g. ``GGUFMetadataKey/architecture``.
    /// - Returns: The value.
    /// - Throws: ``GGUFError/missingKey(file:key:)``.
    public func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = metadata[key] else { throw .missingKey(file: url.path, key: key) }
        return value
    }

    /// The string value for `key`.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func string(_ key: String) throws(GGUFError) -> String {
        try typed(key, expected: "string") { $0.stringValue }
    }

    /// The value for `key` as `Int`; any integer type is accepted.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func int(_ key: String) throws(GGUFError) -> Int {
        try typed(key, expected: "integer") { $0.intValue }
    }

    /// The value for `key` as `Float`; float32, float64 and integer values are accepted.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func float(_ key: String) throws(GGUFError) -> Float {
        try typed(key, expected: "number") { $0.floatValue }
    }

    /// The bool value for `key`.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        try typed(key, expected: "bool") { $0.boolValue }
    }

    /// The array-of-strings value for `key`, e.g. ``GGUFMetadataKey/tokens``.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func stringArray(_ key: String) throws(GGUFError) -> [String] {
        try typed(key, expected: "array of string") { $0.stringArrayValue }
    }

    /// The array-of-integers value for `key` as `[Int]`, e.g. ``GGUFMetadataKey/tokenType``.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func intArray(_ key: String) throws(GGUFError) -> [Int] {
        try typed(key, expected: "array of integers") { $0.intArrayValue }
    }

    /// The array-of-numbers value for `key` as `[Float]`, e.g. ``GGUFMetadataKey/scores``.
    ///
    /// - Throws: ``GGUFError/missingKey(file:key:)`` or ``GGUFError/typeMismatch(file:key:expected:found:)``.
    public func floatArray(_ key: String) throws(GGUFError) -> [Float] {
        try typed(key, expected: "array of numbers") { $0.floatArrayValue }
    }

    private func typed<T>(_ key: String, expected: String, _ extract: (GGUFValue) -> T?) throws(GGUFError) -> T {
        let value = try value(key)
        guard let result = extract(value) else {
            throw .typeMismatch(file: url.path, key: key, expected: expected, found: Self.typeName(value))
        }
        return result
    }

    static func typeName(_ value: GGUFValue) -> String {
        if case let .array(elementType, _) = value { return "array of \(elementType)" }
        return value.type.description
    }
}
