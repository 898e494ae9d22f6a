// ModelFormats: placeholder until the module lands.
enum ModelFormatsModulePlaceholder {}
