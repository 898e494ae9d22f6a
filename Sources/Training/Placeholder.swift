// Training: placeholder until the module lands.
enum TrainingModulePlaceholder {}
