/* Includes the loop file named by NN_LOOPS (a header of plain typed functions, see
   activation_loops.h) once per floating type, with T the element type and FN(name) the
   function's name for it: name_float, name_double. */
#define T float
#define FN(name) name##_float
#include NN_LOOPS
#undef FN
#undef T
#define T double
#define FN(name) name##_double
#include NN_LOOPS
#undef FN
#undef T
#undef NN_LOOPS
