// Sandbox: placeholder until the module lands.
enum SandboxModulePlaceholder {}
