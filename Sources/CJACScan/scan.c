// The functions are static inline in include/ (jac_scan.h, jac_record_scan.h); a C target needs
// one source file.
#include "jac_record_scan.h"
#include "jac_scan.h"
