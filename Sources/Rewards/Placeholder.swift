// Rewards: placeholder until the module lands.
enum RewardsModulePlaceholder {}
