// jac_copy_plain is static inline in include/jac_scan.h; a C target needs one source file.
#include "jac_scan.h"
