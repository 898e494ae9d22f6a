// TensorEngine: placeholder until the module lands.
enum TensorEngineModulePlaceholder {}
