// SFTRecord: one example of an SFT data file in one of TRL's dataset formats, and the JSONL reader that
// validates every line (errors name the file, the 1-based line and the offending field).
//   {"messages": [{"role": "system|user|assistant", "content": "..."}, ...]}       conversational
//   {"prompt": "...", "completion": "..."}                                           prompt/completion
//   {"prompt": [messages], "completion": [messages]}                                 conversational p/c
//   {"text": "..."}                                                                  language modeling
// Other keys of a line are ignored, as TRL ignores extra dataset columns.
import Foundation
import Tokenizers

/// One SFT example before tokenization.
public enum SFTRecord: Sendable, Equatable {
    /// A conversation (TRL "conversational language modeling").
    case conversation([ChatMessage])
    /// Plain-text prompt and completion (not templated; EOS is appended to the completion).
    case promptCompletion(prompt: String, completion: String)
    /// A conversation split into prompt messages and completion messages.
    case conversationalPromptCompletion(prompt: [ChatMessage], completion: [ChatMessage])
    /// Plain text (loss on every token; EOS appended).
    case text(String)

    /// Reads a JSONL file, one example per non-blank line.
    /// - Parameter url: the file.
    /// - Returns: the examples in file order.
    /// - Throws: `SFTError.unreadableData`, `.malformedLine` (first bad line), `.emptyData`.
    public static func load(jsonl url: URL) throws -> [SFTRecord] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SFTError.unreadableData(path: url.path, reason: Self.sentence(error.localizedDescription))
        }
        var records: [SFTRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            records.append(try parse(line: Data(line), path: url.path, lineNumber: index + 1))
        }
        guard !records.isEmpty else { throw SFTError.emptyData(path: url.path) }
        return records
    }

    /// Parses one JSONL line.
    /// - Parameters:
    ///   - line: the line's bytes.
    ///   - path: the file, for messages.
    ///   - lineNumber: 1-based line number, for messages.
    /// - Returns: the record.
    /// - Throws: `SFTError.malformedLine`.
    public static func parse(line: Data, path: String, lineNumber: Int) throws -> SFTRecord {
        func fail(_ reason: String) -> SFTError { .malformedLine(path: path, line: lineNumber, reason: reason) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) } catch {
            throw fail("not valid JSON (\(Self.jsonErrorSummary(error)))")
        }
        guard let dictionary = object as? [String: Any] else { throw fail("expected a JSON object, found \(kind(of: object))") }
        if let messages = dictionary["messages"] {
            let parsed = try self.messages(messages, field: "messages", fail: fail)
            guard !parsed.isEmpty else { throw fail("'messages' is empty") }
            return .conversation(parsed)
        }
        if dictionary["prompt"] != nil || dictionary["completion"] != nil {
            guard let prompt = dictionary["prompt"] else { throw fail("'completion' without 'prompt'") }
            guard let completion = dictionary["completion"] else { throw fail("'prompt' without 'completion'") }
            switch (prompt, completion) {
            case let (p as String, c as String):
                return .promptCompletion(prompt: p, completion: c)
            case (is [Any], is [Any]):
                let p = try messages(prompt, field: "prompt", fail: fail)
                let c = try messages(completion, field: "completion", fail: fail)
                guard !c.isEmpty else { throw fail("'completion' is an empty message list") }
                return .conversationalPromptCompletion(prompt: p, completion: c)
            default:
                throw fail("'prompt' and 'completion' must both be strings or both be message lists "
                           + "(found \(kind(of: prompt)) and \(kind(of: completion)))")
            }
        }
        if let text = dictionary["text"] {
            guard let text = text as? String else { throw fail("'text' must be a string, found \(kind(of: text))") }
            return .text(text)
        }
        let keys = dictionary.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        throw fail("no 'messages', 'prompt'/'completion' or 'text' key (found \(keys.isEmpty ? "no keys" : keys))")
    }

    /// Parses a message list.
    static func messages(_ value: Any, field: String, fail: (String) -> SFTError) throws -> [ChatMessage] {
        guard let list = value as? [Any] else { throw fail("'\(field)' must be a list of messages, found \(kind(of: value))") }
        return try list.enumerated().map { index, item in
            let place = "\(field)[\(index)]"
            guard let message = item as? [String: Any] else { throw fail("'\(place)' must be an object, found \(kind(of: item))") }
            guard let roleValue = message["role"] else { throw fail("'\(place)' has no 'role'") }
            guard let roleText = roleValue as? String, let role = ChatRole(rawValue: roleText) else {
                let found = (roleValue as? String).map { "'\($0)'" } ?? kind(of: roleValue)
                throw fail("'\(place).role' must be one of system, user, assistant (found \(found))")
            }
            guard let contentValue = message["content"] else { throw fail("'\(place)' has no 'content'") }
            guard let content = contentValue as? String else {
                throw fail("'\(place).content' must be a string, found \(kind(of: contentValue))")
            }
            return ChatMessage(role: role, content: content)
        }
    }

    /// A JSON type name for messages.
    static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is NSNumber: return "a number or boolean"
        case is String: return "a string"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "\(type(of: value))"
        }
    }

    /// A system message without its final period (messages go on after it).
    static func sentence(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    /// The first sentence of a JSONSerialization error.
    static func jsonErrorSummary(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        return text.split(separator: ".").first.map(String.init) ?? text
    }
}
