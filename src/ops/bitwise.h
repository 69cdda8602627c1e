/* Bitwise operations and shifts, elementwise with NumPy-style broadcasting, in Torch7's
   names: bitand/bitor/bitxor and lshift/rshift with a number, cbitand/cbitor/cbitxor and
   clshift/crshift with a tensor. The prefix op_bit_ keeps them apart from pointwise.h's
   arithmetic; the results follow the same rules as op_pw_binary's (a result of the right
   shape keeps its view; one sharing storage with an operand cannot be resized).

   and/or/xor exist on Long and Byte tensors only. Shifts exist on every type: on Float and
   Double, lshift by v is x * 2^v and rshift x / 2^v, as Torch7 defines them. On integers
   the count must not be negative (an error); a count of at least the type's width gives 0,
   or -1 for a negative Long shifted right (the sign fills it, as >> does for smaller
   counts), instead of C's undefined behaviour. Byte values shift as unsigned. */
#ifndef OP_BITWISE_H
#define OP_BITWISE_H

#include "../core/tensor.h"

typedef enum { OP_BIT_AND, OP_BIT_OR, OP_BIT_XOR, OP_BIT_LSHIFT, OP_BIT_RSHIFT, OP_BIT_NOPS } op_bit_op;

/* res = a op b; a, b and res have one type. fn names the caller in errors. */
int op_bit_tensor(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
                  op_bit_op op);
/* res = x op v. On integer types v must be an integer in int64 range (a Byte tensor takes
   it modulo 256, as converting the number to the type does). op_bit_scalar_int takes the
   integer exactly (a double holds only 53 bits of a Long mask). */
int op_bit_scalar(const char *fn, dl_tensor *res, const dl_tensor *x, op_bit_op op, double v);
int op_bit_scalar_int(const char *fn, dl_tensor *res, const dl_tensor *x, op_bit_op op,
                      int64_t v);

#endif
