/* Random numbers: seeding, the generator's state, scalar draws (torch.uniform()), fills
   (x:uniform()) and the random constructors (torch.rand, randn, randperm, multinomial).
   All use the core's default generator, seeded at load time from /dev/urandom as Torch7
   does; torch.manualSeed makes runs repeatable. */
#include "../core/rng.h"
#include "../ops/random.h"
#include "lt.h"

#define GEN dl_rng_default()

static int l_manualseed(lua_State *L) {
  dl_rng_seed(GEN, (uint64_t)lt_checkint(L, 1, "manualSeed"));
  return 0;
}

static int l_seed(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)dl_rng_seed_random(GEN));
  return 1;
}

static int l_initialseed(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)dl_rng_initial_seed(GEN));
  return 1;
}

static int l_getrngstate(lua_State *L) {
  int64_t n = (int64_t)dl_rng_state_size();
  dl_tensor *t = lt_newtensor(L, DL_BYTE);
  LT_TRY(L, dl_tensor_resize(t, 1, &n));
  dl_rng_get_state(GEN, dl_tensor_data(t));
  return 1;
}

static int l_setrngstate(lua_State *L) {
  dl_tensor *t = lt_checktype(L, 1, DL_BYTE, "setRNGState");
  if (!dl_tensor_iscontiguous(t)) lt_error(L, "setRNGState: argument 1: state must be contiguous");
  LT_TRY(L, dl_rng_set_state(GEN, dl_tensor_data(t), (size_t)dl_tensor_numel(t)));
  lua_settop(L, 1);
  return 1;
}

/* ---- distributions: x:uniform(a, b) fills x; torch.uniform(a, b) returns a number ---- */

static int fill(dl_tensor *t, dl_rng_dist d, double a, double b) {
  switch (d) {
  case DL_RNG_UNIFORM: return op_uniform(GEN, t, a, b);
  case DL_RNG_NORMAL: return op_normal(GEN, t, a, b);
  case DL_RNG_EXPONENTIAL: return op_exponential(GEN, t, a);
  case DL_RNG_CAUCHY: return op_cauchy(GEN, t, a, b);
  case DL_RNG_LOGNORMAL: return op_lognormal(GEN, t, a, b);
  case DL_RNG_GEOMETRIC: return op_geometric(GEN, t, a);
  case DL_RNG_BERNOULLI: return op_bernoulli(GEN, t, a);
  }
  return 0;
}

static double optnum(lua_State *L, int idx, double def, const char *fn) {
  return lua_isnoneornil(L, idx) ? def : lt_checknum(L, idx, fn);
}

static int dist(lua_State *L, const char *fn, dl_rng_dist d, double defa, double defb) {
  dl_tensor *t = lt_totensor(L, 1);
  int base = t ? 2 : 1;
  double a = optnum(L, base, defa, fn), b = optnum(L, base + 1, defb, fn);
  if (t) {
    LT_TRY(L, fill(t, d, a, b));
    lua_settop(L, 1);
    return 1;
  }
  LT_TRY(L, dl_rng_check(fn, d, a, b));
  double v = dl_rng_draw(GEN, d, a, b);
  if (d == DL_RNG_GEOMETRIC || d == DL_RNG_BERNOULLI) lua_pushinteger(L, (lua_Integer)v);
  else lua_pushnumber(L, v);
  return 1;
}

static int l_uniform(lua_State *L) { return dist(L, "uniform", DL_RNG_UNIFORM, 0, 1); }
static int l_normal(lua_State *L) { return dist(L, "normal", DL_RNG_NORMAL, 0, 1); }
static int l_exponential(lua_State *L) { return dist(L, "exponential", DL_RNG_EXPONENTIAL, 1, 0); }
static int l_cauchy(lua_State *L) { return dist(L, "cauchy", DL_RNG_CAUCHY, 0, 1); }
static int l_lognormal(lua_State *L) { return dist(L, "logNormal", DL_RNG_LOGNORMAL, 1, 2); }
static int l_geometric(lua_State *L) { return dist(L, "geometric", DL_RNG_GEOMETRIC, 0.5, 0); }

/* x:bernoulli([p]) with p a number or a Float/Double tensor of per-element probabilities. */
static int l_bernoulli(lua_State *L) {
  dl_tensor *t = lt_totensor(L, 1), *p = lt_totensor(L, 2);
  if (t && p) {
    LT_TRY(L, op_bernoulli_tensor(GEN, t, p));
    lua_settop(L, 1);
    return 1;
  }
  return dist(L, "bernoulli", DL_RNG_BERNOULLI, 0.5, 0);
}

/* random(): a 32-bit integer; random(b): in [1, b]; random(a, b): in [a, b]. */
static int l_random(lua_State *L) {
  dl_tensor *t = lt_totensor(L, 1);
  int base = t ? 2 : 1, nargs = lua_gettop(L) - base + 1;
  int64_t a = 1, b = 0;
  if (nargs >= 2) {
    a = lt_checkint(L, base, "random");
    b = lt_checkint(L, base + 1, "random");
  } else if (nargs == 1) {
    b = lt_checkint(L, base, "random");
    if (b < 1) lt_error(L, "random: upper bound %lld must be >= 1", (long long)b);
  }
  if (nargs >= 2 && a > b)
    lt_error(L, "random: lower bound %lld is above upper bound %lld", (long long)a, (long long)b);
  if (t) {
    LT_TRY(L, nargs == 0 ? op_random(GEN, t) : op_random_range(GEN, t, a, b));
    lua_settop(L, 1);
    return 1;
  }
  lua_pushinteger(L, nargs == 0 ? (lua_Integer)dl_rng_u32(GEN) : dl_rng_range(GEN, a, b));
  return 1;
}

/* ---- constructors --------------------------------------------------------------------- */

/* torch.rand([res,] sizes...): res or a new tensor of the default type, resized. */
static dl_tensor *sized_result(lua_State *L, const char *fn) {
  int64_t size[DL_MAXDIM];
  dl_tensor *res = lt_totensor(L, 1);
  int n = lt_checksizes(L, res ? 2 : 1, size, fn);
  for (int i = 0; i < n; i++)
    if (size[i] < 0) lt_error(L, "%s: size %d must not be negative", fn, i + 1);
  if (res) lua_pushvalue(L, 1);
  else res = lt_newtensor(L, lt_defaulttype(L));
  LT_TRY(L, dl_tensor_resize(res, n, size));
  return res;
}

static int l_rand(lua_State *L) {
  dl_tensor *t = sized_result(L, "rand");
  LT_TRY(L, op_uniform(GEN, t, 0, 1));
  lt_gcstep(L);
  return 1;
}

static int l_randn(lua_State *L) {
  dl_tensor *t = sized_result(L, "randn");
  LT_TRY(L, op_normal(GEN, t, 0, 1));
  lt_gcstep(L);
  return 1;
}

/* torch.randperm([res,] n): a LongTensor unless res says otherwise (Torch7: the default
   type; a LongTensor is what index() and friends want). */
static int l_randperm(lua_State *L) {
  dl_tensor *res = lt_totensor(L, 1);
  int64_t n = lt_checkint(L, res ? 2 : 1, "randperm");
  if (res) lua_pushvalue(L, 1);
  else res = lt_newtensor(L, DL_LONG);
  LT_TRY(L, op_randperm(GEN, res, n, 1));
  lt_gcstep(L);
  return 1;
}

/* torch.multinomial([res,] p, n [, replacement]) and p:multinomial(n [, replacement]). */
static int l_multinomial(lua_State *L) {
  int has_res = lt_totensor(L, 1) && lt_totensor(L, 2);
  int pi = has_res ? 2 : 1;
  dl_tensor *p = lt_checktensor(L, pi, "multinomial");
  int64_t n = lt_checkint(L, pi + 1, "multinomial");
  int replacement = lua_toboolean(L, pi + 2);
  dl_tensor *res;
  if (has_res) {
    res = lt_checktype(L, 1, DL_LONG, "multinomial");
    lua_pushvalue(L, 1);
  } else {
    res = lt_newtensor(L, DL_LONG);
  }
  LT_TRY(L, op_multinomial(GEN, res, p, n, replacement, 1));
  lt_gcstep(L);
  return 1;
}

void lt_open_random(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"uniform", l_uniform},         {"normal", l_normal},     {"exponential", l_exponential},
      {"cauchy", l_cauchy},           {"logNormal", l_lognormal}, {"geometric", l_geometric},
      {"bernoulli", l_bernoulli},     {"random", l_random},     {"multinomial", l_multinomial},
      {NULL, NULL}};
  static const luaL_Reg funcs[] = {
      {"manualSeed", l_manualseed},   {"seed", l_seed},           {"initialSeed", l_initialseed},
      {"getRNGState", l_getrngstate}, {"setRNGState", l_setrngstate},
      {"uniform", l_uniform},         {"normal", l_normal},       {"exponential", l_exponential},
      {"cauchy", l_cauchy},           {"logNormal", l_lognormal}, {"geometric", l_geometric},
      {"bernoulli", l_bernoulli},     {"random", l_random},       {"rand", l_rand},
      {"randn", l_randn},             {"randperm", l_randperm},   {"multinomial", l_multinomial},
      {NULL, NULL}};
  lt_register(L, methods, funcs);
  /* as Torch7: every run starts from a fresh seed unless the script sets one */
  dl_rng_seed_random(GEN);
}
