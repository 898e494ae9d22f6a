/// Placeholder until the module has real files; delete when adding them.
enum ModelExportPlaceholder {}
