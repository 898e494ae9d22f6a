// Generation: placeholder until the module lands.
enum GenerationModulePlaceholder {}
