// jac_copy_plain and jac_skip_plain are static inline in include/jac_scan.h; a C target needs one source file.
#include "jac_scan.h"
