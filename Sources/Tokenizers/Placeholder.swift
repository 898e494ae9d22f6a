// Tokenizers: placeholder until the module lands.
enum TokenizersModulePlaceholder {}
