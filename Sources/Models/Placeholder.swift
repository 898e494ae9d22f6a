// Models: placeholder until the module lands.
enum ModelsModulePlaceholder {}
