// MathVerification: placeholder until the module lands.
enum MathVerificationModulePlaceholder {}
