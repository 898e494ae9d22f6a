// Evaluation: placeholder until the module lands.
enum EvaluationModulePlaceholder {}
