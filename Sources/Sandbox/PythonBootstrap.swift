// PythonBootstrap: the fixed Python text that starts every sandboxed program. It reads the program from
// stdin, writes it to main.py (so tracebacks show source lines), runs it as __main__, and reports start and
// completion on fd 3. Tracebacks are printed without the bootstrap's own frames. It is not a security boundary: the program can see it via frame introspection.

/// The bootstrap passed to `python3 -c`.
///
/// Protocol on fd 3: `S` once the interpreter is up, then the per-run token (its last argv entry) after the
/// program's last line ran. A run counts as passed only with exit status 0 *and* the token, so a
/// `sys.exit(0)` or `os._exit(0)` before the appended tests is a failure, not a pass.
enum PythonBootstrap {
    static let source = """
        import os, sys
        def _run(token):
            os.write(3, b"S")
            chunks = []
            while True:
                chunk = os.read(0, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
            source = b"".join(chunks)
            with open("main.py", "wb") as f:
                f.write(source)
            del chunks, f
            sys.argv[:] = ["main.py"]
            try:
                code = compile(source, "main.py", "exec")
            except SyntaxError as e:
                import traceback
                traceback.print_exception(type(e), e, None)
                sys.exit(1)
            del source
            try:
                exec(code, {"__name__": "__main__", "__file__": os.path.abspath("main.py"), "__builtins__": __builtins__})
            except SystemExit:
                raise
            except BaseException as e:
                import traceback
                traceback.print_exception(type(e), e, e.__traceback__.tb_next)
                sys.exit(1)
            os.write(3, token)
        _run(sys.argv.pop().encode())
        """

    /// Interpreter flags: no bytecode files (`-B`), no user site-packages (`-s`).
    static let interpreterFlags = ["-B", "-s"]

    /// A fresh random token of 32 hexadecimal digits.
    static func makeToken() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt64
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a) + hex(b)
    }
}
