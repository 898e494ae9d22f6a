// The hints are static inline functions in include/CPUHints.h; SwiftPM needs one source file per C target.
#include "CPUHints.h"
