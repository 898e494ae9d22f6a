// CodeTestHarness.swift — builds a Python program that runs a candidate against HumanEval/MBPP tests and
// prints one marker line per test, so a partial run (timeout, crash) still yields a pass count.
// Official harnesses this mirrors: openai/human-eval `execution.py` (prompt + completion + test +
// check(entry_point)) and MBPP (code + test_imports + test_list).

import Foundation

/// Builds and parses per-test harness programs.
///
/// The candidate runs in its own namespace. HumanEval: `check`'s top-level statements that contain an
/// `assert` become individual tests (each wrapped so a failure is counted and the next one runs); other
/// statements run normally; the `assert True, "..."` debugging lines of 37 HumanEval tests are dropped so
/// they do not give free partial credit. MBPP: each `test_list` entry is one test. Each finished test prints
/// `<nonce> T <0|1>`; the end prints `<nonce> END`. The nonce is random per program, so the candidate
/// cannot easily forge results (it is not a security boundary: the sandbox is).
public enum CodeTestHarness {
    /// Counts of a harness run.
    public struct Tally: Sendable, Equatable {
        /// Tests that passed.
        public var passed: Int
        /// Tests reported or declared (failed + passed + never reached).
        public var total: Int
        /// Whether the harness reached its end.
        public var finished: Bool
    }

    /// Builds the harness program.
    /// - Parameters:
    ///   - candidate: the candidate code (a function body continuing the HumanEval prompt, or a module).
    ///   - tests: the tests.
    ///   - nonce: marker prefix (letters/digits).
    /// - Returns: Python source.
    public static func program(candidate: String, tests: CodeTests, nonce: String) -> String {
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        var p = """
            import ast as _r1_ast, base64 as _r1_b64, sys as _r1_sys
            def _r1_src(s): return _r1_b64.b64decode(s).decode("utf-8")
            def _r1_mark(ok): print("\(nonce) T " + ("1" if ok else "0"), flush=True)
            _r1_ns = {"__name__": "__main__"}

            """
        switch tests {
        case .humanEval(let prompt, let test, let entry):
            p += """
                _r1_code = _r1_src("\(b64(prompt))") + "\\n" + _r1_src("\(b64(candidate))")
                _r1_test = _r1_src("\(b64(test))")
                _r1_entry = _r1_src("\(b64(entry))")
                _r1_tree = _r1_ast.parse(_r1_test)
                _r1_units = 0
                def _r1_has_assert(n): return any(isinstance(x, _r1_ast.Assert) for x in _r1_ast.walk(n))
                for _r1_node in _r1_tree.body:
                    if isinstance(_r1_node, _r1_ast.FunctionDef) and _r1_node.name == "check":
                        _r1_body = []
                        for _r1_st in _r1_node.body:
                            if isinstance(_r1_st, _r1_ast.Assert) and isinstance(_r1_st.test, _r1_ast.Constant) and _r1_st.test.value is True:
                                continue
                            if _r1_has_assert(_r1_st):
                                _r1_units += 1
                                _r1_ok = _r1_ast.parse("_r1_mark(True)").body[0]
                                _r1_bad = _r1_ast.parse("_r1_mark(False)").body[0]
                                _r1_body.append(_r1_ast.Try(body=[_r1_st, _r1_ok], handlers=[_r1_ast.ExceptHandler(type=_r1_ast.Name(id="Exception", ctx=_r1_ast.Load()), name=None, body=[_r1_bad])], orelse=[], finalbody=[]))
                            else:
                                _r1_body.append(_r1_st)
                        _r1_node.body = _r1_body
                _r1_ast.fix_missing_locations(_r1_tree)
                print("\(nonce) N " + str(_r1_units), flush=True)
                try:
                    exec(compile(_r1_code, "<candidate>", "exec"), _r1_ns)
                except BaseException:
                    print("\(nonce) END", flush=True); _r1_sys.exit(0)
                _r1_tns = dict(_r1_ns); _r1_tns["_r1_mark"] = _r1_mark
                try:
                    exec(compile(_r1_tree, "<test>", "exec"), _r1_tns)
                    _r1_tns["check"](_r1_ns[_r1_entry])
                except BaseException:
                    pass
                print("\(nonce) END", flush=True)

                """
        case .mbpp(let imports, let list):
            let tests = list.map { "\"\(b64($0))\"" }.joined(separator: ", ")
            p += """
                _r1_tests = [\(tests)]
                print("\(nonce) N " + str(len(_r1_tests)), flush=True)
                try:
                    exec(compile(_r1_src("\(b64(candidate))"), "<candidate>", "exec"), _r1_ns)
                    exec(compile(_r1_src("\(b64(imports.joined(separator: "\n")))"), "<imports>", "exec"), _r1_ns)
                except BaseException:
                    print("\(nonce) END", flush=True); _r1_sys.exit(0)
                for _r1_t in _r1_tests:
                    try:
                        exec(compile(_r1_src(_r1_t), "<test>", "exec"), _r1_ns)
                        _r1_mark(True)
                    except Exception:
                        _r1_mark(False)
                print("\(nonce) END", flush=True)

                """
        }
        return p
    }

    /// Reads the marker lines of a (possibly partial) run.
    /// - Parameters:
    ///   - stdout: the program's standard output.
    ///   - nonce: the marker prefix used to build it.
    ///   - declaredTotal: the test count if known up front (MBPP), used when the `N` line is missing.
    /// - Returns: the tally; nil when not even the test count was printed.
    public static func tally(stdout: String, nonce: String, declaredTotal: Int?) -> Tally? {
        var total = declaredTotal
        var passed = 0
        var finished = false
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, parts[0] == nonce else { continue }
            switch parts[1] {
            case "N": if parts.count == 3, let n = Int(parts[2]) { total = n }
            case "T": if parts.count == 3, parts[2] == "1" { passed += 1 }
            case "END": finished = true
            default: break
            }
        }
        guard let total else { return nil }
        return Tally(passed: min(passed, total), total: total, finished: finished)
    }
}
