/* The Lua bindings: the only C that includes lua.h. They check arguments, call the
   core, and push results; they do not compute. Prefix lt_ ("Lua torch").

   Conventions every binding file follows:
   - A tensor is a full userdata holding a dl_tensor, with the metatable of its type
     (registry name "torch.FloatTensor", ...). That metatable is also the type's method
     table (torch.FloatTensor), as in Torch7.
   - Errors: a core call returning < 0 is passed to lt_fail, which raises dl_errmsg().
     Argument errors name the function: "narrow: argument 2: ...". Never raise while
     holding C-allocated memory: keep temporaries in Lua userdata (lt_newtensor). */
#ifndef LT_H
#define LT_H

#include <lauxlib.h>
#include <lua.h>

#include "../core/tensor.h"

/* Registry names and method tables of the tensor and storage types. */
const char *lt_typename(dl_dtype t);     /* "torch.FloatTensor" */
const char *lt_storagename(dl_dtype t);  /* "torch.FloatStorage" */

/* Kinds of dlua userdata, told by their metatable's identity (not by a field). */
enum { LT_KIND_TENSOR = 1, LT_KIND_STORAGE = 2, LT_KIND_FILE = 3 };
/* Records that the metatable at mt marks userdata of the given kind. */
void lt_setkind(lua_State *L, int mt, int kind);
/* The kind of the value at idx: 0 unless a userdata with a recorded metatable. */
int lt_kind(lua_State *L, int idx);
/* True when writing into r could overwrite the input a before it is read: the same
   tensor, or the same storage. Bindings then compute into a temporary. */
int lt_aliases(const dl_tensor *r, const dl_tensor *a);

/* The tensor at idx, or NULL. */
dl_tensor *lt_totensor(lua_State *L, int idx);
/* The tensor at idx, or an error "fn: argument N: expected a tensor, got T". A
   torch.HalfTensor is refused (it has no math); lt_checkanytensor accepts it, for the
   bindings Torch7 gave Half too (views, sizes, copies, conversions, serialization). */
dl_tensor *lt_checktensor(lua_State *L, int idx, const char *fn);
dl_tensor *lt_checkanytensor(lua_State *L, int idx, const char *fn);
/* Same, but the tensor must be of type dt. */
dl_tensor *lt_checktype(lua_State *L, int idx, dl_dtype dt, const char *fn);
/* Pushes a new empty tensor of type dt and returns it (owned by Lua). */
dl_tensor *lt_newtensor(lua_State *L, dl_dtype dt);
/* Pushes a new tensor that is a view of t (shares its storage). */
dl_tensor *lt_pushview(lua_State *L, const dl_tensor *t);
/* The default tensor type (torch.setdefaulttensortype). */
dl_dtype lt_defaulttype(lua_State *L);

dl_storage *lt_tostorage(lua_State *L, int idx);
dl_storage *lt_checkstorage(lua_State *L, int idx, const char *fn);
/* Pushes a storage userdata taking one new reference to s, before anything that can run
   Lua code (so s may be t->storage of a tensor that a finalizer re-points meanwhile). */
void lt_pushstorage(lua_State *L, dl_storage *s);
/* Pushes a new torch.LongStorage holding the n values. */
void lt_pushsizes(lua_State *L, int n, const int64_t *v);

/* Raises a Lua error formatted with C's printf (so %lld, %g, %zu all work, unlike
   luaL_error), prefixed with the script's position (lt_where). */
int lt_error(lua_State *L, const char *fmt, ...) DL_PRINTF(2, 3);
/* Raises the last core error as a Lua error. */
int lt_fail(lua_State *L);
/* Pushes "file:line: " of the innermost frame outside dlua's own Lua packages: the
   script's line (lt_where.c). */
void lt_where(lua_State *L);
/* The class name ("nn.Linear") of the innermost object whose method runs in dlua's Lua
   files above this call, or fallback: what the script called, for kernel errors.
   lt_callername defers the stack walk to the error: with a fallback (a string literal) it
   returns a mark, LT_MARK then the fallback, which lt_error and lt_warnings replace with
   the name (lt_pushnamed pushes msg so named); without one it returns the name or NULL
   at once, as lt_callername_now does (lt_where.c). */
#define LT_MARK '\x1f'
const char *lt_callername(lua_State *L, const char *fallback);
const char *lt_callername_now(lua_State *L, const char *fallback);
void lt_pushnamed(lua_State *L, const char *msg);
/* Prints the kernel's pending warning (dl_warn), if any, to stderr at the script's line,
   once per line and message (as Python's default warning filter): a loop that repeats
   the call warns once (lt_where.c). */
void lt_warnings(lua_State *L);
#define LT_TRY(L, call)           \
  do {                            \
    if ((call) < 0) lt_fail(L);   \
    lt_warnings(L);               \
  } while (0)

/* A kernel binding's arguments 1, 2, ... read by spec, one letter each, into the pointers
   of out: 't' a tensor (dl_tensor **), 'o' a tensor or nil (NULL), 'i' an integer
   (int64_t *), 'I' an optional integer (*out keeps its default when nil), 'n' a number
   (double *), 'b' a boolean (int *). Returns fn, lt_callername(L, name). lt_done(L, rc)
   ends the binding: raises when rc < 0, prints a pending warning, steps the collector,
   returns 0 (lt_args.c). */
const char *lt_args(lua_State *L, const char *name, const char *spec, void *const *out);
int lt_done(lua_State *L, int rc);

/* Tells Lua's collector about tensor bytes allocated since the last call, so that a loop
   making temporaries does not grow without collectgarbage(). Called by lt_newtensor and
   after any binding that may allocate. */
void lt_gcstep(lua_State *L);

/* A dimension argument: 1-based, negative counts from the end; returns it 0-based.
   ndim is the number of valid dimensions. Error names fn and the argument. */
int lt_checkdim(lua_State *L, int idx, int ndim, const char *fn);
/* An integer argument (a float with an integral value is accepted). */
int64_t lt_checkint(lua_State *L, int idx, const char *fn);
int64_t lt_optint(lua_State *L, int idx, int64_t def, const char *fn);
/* A number argument. */
double lt_checknum(lua_State *L, int idx, const char *fn);
/* True when the value at idx (absolute) is a number, or a string Lua reads as one, which
   then replaces it: the elements of a table given to a constructor. */
int lt_tablenumber(lua_State *L, int idx);
/* Optional arguments: nil or absent gives def (NULL for a tensor). */
double lt_optnum(lua_State *L, int idx, double def, const char *fn);
int lt_optbool(lua_State *L, int idx, int def);
dl_tensor *lt_opttensor(lua_State *L, int idx, const char *fn);
/* Sizes from the arguments at idx..top: integers, a torch.LongStorage or a table of
   integers. Returns the count; raises on more than DL_MAXDIM or a non-integer. */
int lt_checksizes(lua_State *L, int idx, int64_t *size, const char *fn);

/* Registers C functions as methods of all the tensor types (methods) and as fields of
   the torch table (funcs); either may be NULL. The torch table is at the top of the
   stack when the lt_open_* functions are called. */
void lt_register(lua_State *L, const luaL_Reg *methods, const luaL_Reg *funcs);
/* Registers funcs into the subtable torch[name] (kernel tables such as torch._nn, which
   several files fill). Both register functions record what they set when the module is
   loaded with DLUA_REGCHECK in the environment (spec/registration_spec.lua). */
void lt_register_in(lua_State *L, const char *name, const luaL_Reg *funcs);

/* One open function per binding file, called in this order by luaopen_torch_core. */
void lt_open_tensor(lua_State *L);  /* types, constructors, views, copies: lt_tensor.c */
void lt_open_storage(lua_State *L); /* storages: lt_storage.c */
void lt_open_blas(lua_State *L);    /* BLAS and LAPACK: lt_blas.c */
void lt_open_random(lua_State *L);  /* RNG and random fills: lt_random.c */
void lt_open_sys(lua_State *L);     /* Timer, threads, misc: lt_sys.c */
void lt_open_pointwise(lua_State *L); /* elementwise math, comparisons, operators: lt_pointwise.c */
void lt_open_reduction(lua_State *L); /* reductions, scans, sorting: lt_reduction.c */
void lt_open_indexing(lua_State *L);  /* indexing and constructors: lt_indexing.c */
void lt_open_file(lua_State *L);      /* .t7 reading and writing: lt_file.c */
void lt_open_nn(lua_State *L);      /* torch._nn.storageid: lt_nn.c */
void lt_open_activation(lua_State *L); /* nn elementwise layers into torch._nn: lt_activation.c */
void lt_open_loss(lua_State *L);    /* nn loss kernels into torch._nn: lt_loss.c */
void lt_open_softmax(lua_State *L); /* softmax kernels into torch._nn: lt_softmax.c */
void lt_open_linear(lua_State *L);  /* linear layer kernels into torch._nn: lt_linear.c */
void lt_open_normalization(lua_State *L); /* normalization kernels: lt_normalization.c */
void lt_open_embedding(lua_State *L); /* lookup-table kernels into torch._nn: lt_embedding.c */
void lt_open_maxmin(lua_State *L);  /* nn.Max and nn.Min kernels into torch._nn: lt_maxmin.c */
void lt_open_rnn(lua_State *L);     /* LSTM and GRU kernels into torch._nn: lt_rnn.c */
void lt_open_attention(lua_State *L); /* fused attention kernels into torch._nn: lt_attention.c */
void lt_open_conv(lua_State *L);    /* convolution kernels into torch._nn: lt_conv.c */
void lt_open_pool(lua_State *L);    /* pooling kernels into torch._nn: lt_pool.c */
void lt_open_volumetric(lua_State *L); /* volumetric kernels into torch._nn: lt_volumetric.c */
void lt_open_optim(lua_State *L);   /* optimizer update kernels into torch._optim: lt_optim.c */
void lt_open_io(lua_State *L);      /* readers (CSV, IDX) and serialization: lt_io.c */
void lt_open_idx(lua_State *L);     /* IDX (MNIST format) reading into torch._io: lt_idx.c */
void lt_open_where(lua_State *L);   /* error positions, torch._error: lt_where.c */
void lt_open_bitwise(lua_State *L); /* bitand, lshift, cbitand, ...: lt_bitwise.c */
void lt_open_signal(lua_State *L);  /* conv2, xcorr2, conv3, xcorr3: lt_signal.c */
void lt_open_histogram(lua_State *L); /* histc, bhistc: lt_histogram.c */
void lt_open_dimwise(lua_State *L); /* cross, renorm: lt_dimwise.c */
void lt_open_image(lua_State *L);   /* image codecs and kernels into torch._image: lt_image.c */
void lt_open_monitor(lua_State *L); /* crc32c and a clock for dl's monitors: lt_monitor.c */
void lt_open_quant(lua_State *L);   /* int8 quantized layers into torch._nn: lt_quant.c */

/* Pushes the subtable torch[name] (creating it), for kernel tables such as torch._nn. */
void lt_subtable(lua_State *L, const char *name);

#endif
