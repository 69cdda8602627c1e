/* Random numbers: generators, seeding, the generator's state, scalar draws
   (torch.uniform()), fills (x:uniform()) and the random constructors (torch.rand, randn,
   randperm, multinomial). Every function takes an optional torch.Generator, as Torch7
   does; without one it uses the core's default generator, seeded at load time from
   /dev/urandom (torch.manualSeed makes runs repeatable). */
#include "../core/rng.h"
#include "../ops/random.h"
#include "lt.h"

/* ---- torch.Generator: a userdata holding one dl_rng ----------------------------------- */

#define GENERATOR "torch.Generator"

static dl_rng *togen(lua_State *L, int idx) { return luaL_testudata(L, idx, GENERATOR); }

static dl_rng *newgen(lua_State *L) {
  dl_rng *g = lua_newuserdatauv(L, sizeof(dl_rng), 0);
  luaL_setmetatable(L, GENERATOR);
  return g;
}

/* torch.Generator([seed]): seeded from /dev/urandom unless a seed is given. */
static int g_new(lua_State *L) {
  int seeded = !lua_isnoneornil(L, 1);
  uint64_t seed = seeded ? (uint64_t)lt_checkint(L, 1, "Generator") : 0;
  dl_rng *g = newgen(L);
  if (seeded) dl_rng_seed(g, seed);
  else dl_rng_seed_random(g);
  return 1;
}

/* The empty instance torch.load fills through read (the __factory of File.lua). */
static int g_factory(lua_State *L) {
  dl_rng_seed(newgen(L), 5489);
  return 1;
}

static int g_tostring(lua_State *L) {
  dl_rng *g = luaL_checkudata(L, 1, GENERATOR);
  lua_pushfstring(L, GENERATOR ": %p (initial seed %I)", (void *)g,
                  (lua_Integer)dl_rng_initial_seed(g));
  return 1;
}

static void pushstate(lua_State *L, const dl_rng *g) {
  int64_t n = (int64_t)dl_rng_state_size();
  dl_tensor *t = lt_newtensor(L, DL_BYTE);
  LT_TRY(L, dl_tensor_resize(t, 1, &n));
  dl_rng_get_state(g, dl_tensor_data(t));
}

/* g:write(file) and g:read(file) for torch.save and torch.load: the state, as the
   ByteTensor getRNGState gives (so it has the state's layout: same machine kind). */
static int g_write(lua_State *L) {
  dl_rng *g = luaL_checkudata(L, 1, GENERATOR);
  lua_getfield(L, 2, "writeObject");
  lua_pushvalue(L, 2);
  pushstate(L, g);
  lua_call(L, 2, 0);
  return 0;
}

static int g_read(lua_State *L) {
  dl_rng *g = luaL_checkudata(L, 1, GENERATOR);
  lua_getfield(L, 2, "readObject");
  lua_pushvalue(L, 2);
  lua_call(L, 1, 1);
  dl_tensor *t = lt_totensor(L, -1);
  if (!t || t->dtype != DL_BYTE || !dl_tensor_iscontiguous(t))
    return lt_error(L, "readObject: corrupt file: the state of a " GENERATOR
                       " is not a contiguous torch.ByteTensor");
  if (dl_rng_set_state(g, dl_tensor_data(t), (size_t)dl_tensor_numel(t)) < 0)
    return lt_error(L, "readObject: corrupt file: the state of a " GENERATOR ": %s",
                    dl_errmsg());
  return 0;
}

static void open_generator(lua_State *L) {
  static const luaL_Reg meta[] = {{"__tostring", g_tostring}, {"__factory", g_factory},
                                  {"write", g_write},         {"read", g_read},
                                  {NULL, NULL}};
  luaL_newmetatable(L, GENERATOR);
  luaL_setfuncs(L, meta, 0);
  /* as torch.class makes them, so torch.type and torch.save know the class */
  lua_pushstring(L, GENERATOR);
  lua_setfield(L, -2, "__typename");
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

/* ---- arguments ------------------------------------------------------------------------

   Torch7 takes the generator after the result tensor (x:uniform(g, a, b),
   torch.rand(res, g, 3)) and first otherwise (torch.uniform(g), torch.rand(g, 3)). The
   leading arguments are read in either order: one generator and up to maxt tensors. */
typedef struct {
  dl_rng *g;   /* the generator given, else the default one */
  int t[2];    /* stack indices of the tensors given (0: none) */
  int nt;
  int next;    /* the first argument after them */
} lead;

static lead leading(lua_State *L, const char *fn, int maxt) {
  lead a = {NULL, {0, 0}, 0, 1};
  for (;;) {
    if (!a.g && (a.g = togen(L, a.next)) != NULL) a.next++;
    else if (a.nt < maxt && lt_totensor(L, a.next)) a.t[a.nt++] = a.next++;
    else break;
  }
  /* a generator further on would be ignored: say so rather than draw from the default */
  for (int i = a.next; i <= lua_gettop(L); i++)
    if (togen(L, i))
      lt_error(L, "%s: argument %d: the " GENERATOR " must come before the other arguments",
               fn, i);
  if (!a.g) a.g = dl_rng_default();
  return a;
}

/* ---- seeding and state ---------------------------------------------------------------- */

static int l_manualseed(lua_State *L) {
  lead a = leading(L, "manualSeed", 0);
  dl_rng_seed(a.g, (uint64_t)lt_checkint(L, a.next, "manualSeed"));
  return 0;
}

static int l_seed(lua_State *L) {
  lead a = leading(L, "seed", 0);
  lua_pushinteger(L, (lua_Integer)dl_rng_seed_random(a.g));
  return 1;
}

static int l_initialseed(lua_State *L) {
  lead a = leading(L, "initialSeed", 0);
  lua_pushinteger(L, (lua_Integer)dl_rng_initial_seed(a.g));
  return 1;
}

static int l_getrngstate(lua_State *L) {
  lead a = leading(L, "getRNGState", 0);
  pushstate(L, a.g);
  return 1;
}

static int l_setrngstate(lua_State *L) {
  lead a = leading(L, "setRNGState", 0);
  dl_tensor *t = lt_checktype(L, a.next, DL_BYTE, "setRNGState");
  if (!dl_tensor_iscontiguous(t))
    lt_error(L, "setRNGState: argument %d: state must be contiguous", a.next);
  LT_TRY(L, dl_rng_set_state(a.g, dl_tensor_data(t), (size_t)dl_tensor_numel(t)));
  lua_pushvalue(L, a.next);
  return 1;
}

/* ---- distributions: x:uniform(a, b) fills x; torch.uniform(a, b) returns a number ---- */

static int fill(dl_rng *g, dl_tensor *t, dl_rng_dist d, double a, double b) {
  switch (d) {
  case DL_RNG_UNIFORM: return op_uniform(g, t, a, b);
  case DL_RNG_NORMAL: return op_normal(g, t, a, b);
  case DL_RNG_EXPONENTIAL: return op_exponential(g, t, a);
  case DL_RNG_CAUCHY: return op_cauchy(g, t, a, b);
  case DL_RNG_LOGNORMAL: return op_lognormal(g, t, a, b);
  case DL_RNG_GEOMETRIC: return op_geometric(g, t, a);
  case DL_RNG_BERNOULLI: return op_bernoulli(g, t, a);
  }
  return 0;
}

static int dist_args(lua_State *L, const lead *p, const char *fn, dl_rng_dist d, double defa,
                     double defb) {
  double a = lt_optnum(L, p->next, defa, fn), b = lt_optnum(L, p->next + 1, defb, fn);
  if (p->nt) {
    LT_TRY(L, fill(p->g, lt_totensor(L, p->t[0]), d, a, b));
    lua_pushvalue(L, p->t[0]);
    return 1;
  }
  LT_TRY(L, dl_rng_check(fn, d, a, b));
  double v = dl_rng_draw(p->g, d, a, b);
  if (d == DL_RNG_GEOMETRIC || d == DL_RNG_BERNOULLI) lua_pushinteger(L, (lua_Integer)v);
  else lua_pushnumber(L, v);
  return 1;
}

static int dist(lua_State *L, const char *fn, dl_rng_dist d, double defa, double defb) {
  lead p = leading(L, fn, 1);
  return dist_args(L, &p, fn, d, defa, defb);
}

static int l_uniform(lua_State *L) { return dist(L, "uniform", DL_RNG_UNIFORM, 0, 1); }
static int l_normal(lua_State *L) { return dist(L, "normal", DL_RNG_NORMAL, 0, 1); }
static int l_exponential(lua_State *L) { return dist(L, "exponential", DL_RNG_EXPONENTIAL, 1, 0); }
static int l_cauchy(lua_State *L) { return dist(L, "cauchy", DL_RNG_CAUCHY, 0, 1); }
static int l_lognormal(lua_State *L) { return dist(L, "logNormal", DL_RNG_LOGNORMAL, 1, 2); }
static int l_geometric(lua_State *L) { return dist(L, "geometric", DL_RNG_GEOMETRIC, 0.5, 0); }

/* x:bernoulli([p]) with p a number or a Float/Double tensor of per-element probabilities. */
static int l_bernoulli(lua_State *L) {
  lead p = leading(L, "bernoulli", 2);
  if (p.nt == 2) {
    LT_TRY(L, op_bernoulli_tensor(p.g, lt_totensor(L, p.t[0]), lt_totensor(L, p.t[1])));
    lua_pushvalue(L, p.t[0]);
    return 1;
  }
  return dist_args(L, &p, "bernoulli", DL_RNG_BERNOULLI, 0.5, 0);
}

/* random(): a 32-bit integer; random(b): in [1, b]; random(a, b): in [a, b]. */
static int l_random(lua_State *L) {
  lead p = leading(L, "random", 1);
  int base = p.next, nargs = lua_gettop(L) - base + 1;
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
  if (p.nt) {
    dl_tensor *t = lt_totensor(L, p.t[0]);
    LT_TRY(L, nargs == 0 ? op_random(p.g, t) : op_random_range(p.g, t, a, b));
    lua_pushvalue(L, p.t[0]);
    return 1;
  }
  lua_pushinteger(L, nargs == 0 ? (lua_Integer)dl_rng_u32(p.g) : dl_rng_range(p.g, a, b));
  return 1;
}

/* ---- constructors --------------------------------------------------------------------- */

/* torch.rand([res,] [gen,] sizes...): res or a new tensor of the default type, resized. */
static dl_tensor *sized_result(lua_State *L, const lead *p, const char *fn) {
  int64_t size[DL_MAXDIM];
  int n = lt_checksizes(L, p->next, size, fn);
  for (int i = 0; i < n; i++)
    if (size[i] < 0) lt_error(L, "%s: size %d must not be negative", fn, i + 1);
  dl_tensor *res;
  if (p->nt) {
    lua_pushvalue(L, p->t[0]);
    res = lt_totensor(L, p->t[0]);
  } else {
    res = lt_newtensor(L, lt_defaulttype(L));
  }
  LT_TRY(L, dl_tensor_resize(res, n, size));
  return res;
}

static int l_rand(lua_State *L) {
  lead p = leading(L, "rand", 1);
  dl_tensor *t = sized_result(L, &p, "rand");
  LT_TRY(L, op_uniform(p.g, t, 0, 1));
  lt_gcstep(L);
  return 1;
}

static int l_randn(lua_State *L) {
  lead p = leading(L, "randn", 1);
  dl_tensor *t = sized_result(L, &p, "randn");
  LT_TRY(L, op_normal(p.g, t, 0, 1));
  lt_gcstep(L);
  return 1;
}

/* torch.randperm([res,] [gen,] n): of the default type unless res says otherwise, as
   Torch7 (whose programs call :long() before index()). */
static int l_randperm(lua_State *L) {
  lead p = leading(L, "randperm", 1);
  int64_t n = lt_checkint(L, p.next, "randperm");
  dl_tensor *res;
  if (p.nt) {
    lua_pushvalue(L, p.t[0]);
    res = lt_totensor(L, p.t[0]);
  } else {
    res = lt_newtensor(L, lt_defaulttype(L));
  }
  LT_TRY(L, op_randperm(p.g, res, n, 1));
  lt_gcstep(L);
  return 1;
}

/* torch.multinomial([res,] [gen,] p, n [, replacement]) and
   p:multinomial([gen,] n [, replacement]). */
static int l_multinomial(lua_State *L) {
  lead a = leading(L, "multinomial", 2);
  if (a.nt == 0) lt_checktensor(L, a.next, "multinomial"); /* raises */
  int pi = a.t[a.nt - 1];
  dl_tensor *p = lt_totensor(L, pi);
  int64_t n = lt_checkint(L, a.next, "multinomial");
  int replacement = lua_toboolean(L, a.next + 1);
  dl_tensor *res;
  if (a.nt == 2) {
    res = lt_checktype(L, a.t[0], DL_LONG, "multinomial");
    lua_pushvalue(L, a.t[0]);
  } else {
    res = lt_newtensor(L, DL_LONG);
  }
  LT_TRY(L, op_multinomial(a.g, res, p, n, replacement, 1));
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
      {"Generator", g_new},           {NULL, NULL}};
  open_generator(L);
  lt_register(L, methods, funcs);
  /* as Torch7: every run starts from a fresh seed unless the script sets one */
  dl_rng_seed_random(dl_rng_default());
}
