/* dlua: the stand-alone interpreter. Options and the `arg` table are those of Lua 5.4's
   lua.c; in addition the torch bindings are linked in (package.preload["torch.core"]), the
   project's Lua files are found next to the executable, and `torch` is loaded as a global
   before any option or script runs, as Torch7's `th` did. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "repl.h"

int luaopen_torch_core(lua_State *L);

const char *dlua_progname = "dlua";

/* ---- messages ---- */

void dlua_message(const char *pname, const char *msg) {
  if (pname) fprintf(stderr, "%s: ", pname);
  fprintf(stderr, "%s\n", msg);
  fflush(stderr);
}

int dlua_report(lua_State *L, int status) {
  if (status != LUA_OK) {
    dlua_message(dlua_progname, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

static void print_usage(const char *badoption) {
  FILE *f = badoption ? stderr : stdout;
  if (badoption) {
    if (badoption[1] == 'e' || badoption[1] == 'l')
      fprintf(f, "%s: '%s' needs argument\n", dlua_progname, badoption);
    else
      fprintf(f, "%s: unrecognized option '%s'\n", dlua_progname, badoption);
  }
  fprintf(f,
          "usage: %s [options] [script [args]]\n"
          "Available options are:\n"
          "  -e stat   execute string 'stat'\n"
          "  -i        enter interactive mode after executing 'script'\n"
          "  -l mod    require library 'mod' into global 'mod'\n"
          "  -l g=mod  require library 'mod' into global 'g'\n"
          "  -v        show version information\n"
          "  -E        ignore environment variables\n"
          "  -W        turn warnings on\n"
          "  --np N    run the script on N processes under Open MPI's mpirun\n"
          "            (dl.distributed; must come first)\n"
          "  --help    show this message\n"
          "  --        stop handling options\n"
          "  -         stop handling options and execute stdin\n"
          "The module 'torch' is loaded into the global 'torch' before anything runs;\n"
          "'paths', 'sys' and 'xlua' are loaded at their first use, and the Lua 5.1\n"
          "names of dlua.compat (unpack, loadstring, setfenv, ...) are defined.\n",
          dlua_progname);
  fflush(f);
}

static void print_version(void) {
  printf("%s  (%s)\n", DLUA_VERSION, LUA_COPYRIGHT);
  fflush(stdout);
}

/* ---- protected calls, interruptible by Ctrl-C ---- */

static lua_State *globalL = NULL;

/* The hook set by the signal handler: raises the error at the next Lua instruction,
   because a signal handler itself cannot touch the Lua state beyond lua_sethook. */
static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void setsignal(int sig, void (*handler)(int)) {
  struct sigaction sa;
  sa.sa_handler = handler;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void laction(int sig) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  setsignal(sig, SIG_DFL); /* a second Ctrl-C ends the process (a C loop never returns) */
  lua_sethook(globalL, lstop, flag, 1);
}

/* The traceback of the Lua frames from `level` up, after msg. C frames are left out:
   luaL_traceback names a C function after the first loaded table that holds it, so a
   tensor method's error read "[C]: in function 'torch.serialize.narrow'" (whatever table
   came first), which names neither what the script called nor where. The script's own
   frames say that: the line, and the name the call used ("in method 'narrow'"). Like
   luaL_traceback, a long stack shows its first 10 and last 11 frames. */
static void traceback(lua_State *L, const char *msg, int level) {
  lua_Debug ar;
  int frames = 0;
  for (int l = level; lua_getstack(L, l, &ar); l++) {
    lua_getinfo(L, "S", &ar);
    if (*ar.what != 'C') frames++;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, msg);
  luaL_addstring(&b, "\nstack traceback:");
  int n = 0;
  for (int l = level; lua_getstack(L, l, &ar); l++) {
    lua_getinfo(L, "Slnt", &ar);
    if (*ar.what == 'C') continue;
    n++;
    if (frames > 21 && n == 11) {
      lua_pushfstring(L, "\n\t...\t(skipping %d levels)", frames - 21);
      luaL_addvalue(&b);
    }
    if (frames > 21 && n > 10 && n <= frames - 11) continue;
    if (ar.currentline > 0)
      lua_pushfstring(L, "\n\t%s:%d: in ", ar.short_src, ar.currentline);
    else
      lua_pushfstring(L, "\n\t%s: in ", ar.short_src);
    luaL_addvalue(&b);
    if (*ar.namewhat != '\0')
      lua_pushfstring(L, "%s '%s'", ar.namewhat, ar.name);
    else if (*ar.what == 'm')
      lua_pushliteral(L, "main chunk");
    else
      lua_pushfstring(L, "function <%s:%d>", ar.short_src, ar.linedefined);
    luaL_addvalue(&b);
    if (ar.istailcall) luaL_addstring(&b, "\n\t(...tail calls...)");
  }
  luaL_pushresult(&b);
}

/* Error handler: the message with a traceback. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  traceback(L, msg, 1);
  return 1;
}

int dlua_docall(lua_State *L, int narg, int nres) {
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  globalL = L;
  setsignal(SIGINT, laction);
  int status = lua_pcall(L, narg, nres, base);
  setsignal(SIGINT, SIG_DFL);
  /* a Ctrl-C that came as the call ended must not interrupt the next one */
  if (lua_gethook(L) == lstop) lua_sethook(L, NULL, 0, 0);
  lua_remove(L, base);
  return status;
}

static int dochunk(lua_State *L, int status) {
  if (status == LUA_OK) status = dlua_docall(L, 0, 0);
  return dlua_report(L, status);
}

static int dofile(lua_State *L, const char *name) {
  return dochunk(L, luaL_loadfile(L, name));
}

static int dostring(lua_State *L, const char *s, const char *name) {
  return dochunk(L, luaL_loadbuffer(L, s, strlen(s), name));
}

/* require(mod) into global g: "-l mod" or "-l g=mod". */
static int dolibrary(lua_State *L, char *globname) {
  char *modname = strchr(globname, '=');
  if (modname == NULL) {
    modname = globname;
  } else {
    *modname = '\0';
    modname++;
  }
  lua_getglobal(L, "require");
  lua_pushstring(L, modname);
  int status = dlua_docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, globname);
  return dlua_report(L, status);
}

/* ---- arguments ---- */

/* arg[0] is the script, negative indices the interpreter and options, positive ones the
   script's arguments; with no script, arg[0] is the interpreter. */
static void createargtable(lua_State *L, char **argv, int argc, int script) {
  if (script == argc) script = 0; /* no script name */
  int narg = argc - (script + 1);
  lua_createtable(L, narg > 0 ? narg : 0, script + 1);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

static int pushargs(lua_State *L) {
  if (lua_getglobal(L, "arg") != LUA_TTABLE) luaL_error(L, "'arg' is not a table");
  int n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  int i;
  for (i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
  lua_remove(L, -i); /* the table */
  return n;
}

static int handle_script(lua_State *L, char **argv) {
  const char *fname = argv[0];
  if (strcmp(fname, "-") == 0 && strcmp(argv[-1], "--") != 0) fname = NULL; /* stdin */
  int status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    int n = pushargs(L);
    status = dlua_docall(L, n, LUA_MULTRET);
  }
  return dlua_report(L, status);
}

#define has_error 1 /* bad option */
#define has_i 2
#define has_v 4
#define has_e 8
#define has_E 16
#define has_help 32

/* Scans the options; *first gets the index of the script (0 if none, or of the bad
   option when has_error is returned). */
static int collectargs(char **argv, int *first) {
  int args = 0;
  int i;
  for (i = 1; argv[i] != NULL; i++) {
    *first = i;
    if (argv[i][0] != '-') return args; /* the script */
    switch (argv[i][1]) {
    case '-':
      if (strcmp(argv[i], "--help") == 0) return args | has_help;
      if (argv[i][2] != '\0') return has_error;
      *first = i + 1;
      return args;
    case '\0':
      return args; /* "-": the script is stdin */
    case 'E':
      if (argv[i][2] != '\0') return has_error;
      args |= has_E;
      break;
    case 'W':
      if (argv[i][2] != '\0') return has_error;
      break;
    case 'i':
      args |= has_i; /* -i implies -v */
      /* fall through */
    case 'v':
      if (argv[i][2] != '\0') return has_error;
      args |= has_v;
      break;
    case 'e':
      args |= has_e;
      /* fall through */
    case 'l':
      if (argv[i][2] == '\0') { /* argument in the next word */
        i++;
        if (argv[i] == NULL || argv[i][0] == '-') return has_error;
      }
      break;
    default:
      return has_error;
    }
  }
  *first = 0;
  return args;
}

/* Runs -e, -l and -W in order; returns 0 on the first failure. */
static int runargs(lua_State *L, char **argv, int n) {
  for (int i = 1; i < n; i++) {
    int option = argv[i][1];
    switch (option) {
    case 'e':
    case 'l': {
      char *extra = argv[i] + 2;
      if (*extra == '\0') extra = argv[++i];
      int status = option == 'e' ? dostring(L, extra, "=(command line)") : dolibrary(L, extra);
      if (status != LUA_OK) return 0;
      break;
    }
    case 'W':
      lua_warning(L, "@on", 0);
      break;
    }
  }
  return 1;
}

static int handle_luainit(lua_State *L) {
  const char *name = "=LUA_INIT_5_4";
  const char *init = getenv(name + 1);
  if (init == NULL) {
    name = "=LUA_INIT";
    init = getenv(name + 1);
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@') return dofile(L, init + 1);
  return dostring(L, init, name);
}

/* ---- finding the project's Lua files ---- */

static int isfile(const char *path) {
  return access(path, R_OK) == 0;
}

/* The folder of the running executable (from /proc, else argv[0]), without a final '/'. */
static void exedir(const char *argv0, char *dir, size_t n) {
  ssize_t len = readlink("/proc/self/exe", dir, n - 1);
  if (len <= 0) {
    snprintf(dir, n, "%s", argv0 ? argv0 : "");
    len = (ssize_t)strlen(dir);
  }
  dir[len] = '\0';
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(dir, n, ".");
}

/* Pops the string on top and puts it, with a ';', in front of package[field]. */
static void prepend(lua_State *L, const char *field) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, field);
  lua_pushfstring(L, "%s;%s", lua_tostring(L, -3), lua_tostring(L, -1));
  lua_setfield(L, -3, field);
  lua_pop(L, 3);
}

/* The first of the folders <exe dir><candidate> (a NULL-ended list) that holds file, into
   out (n bytes) without "/.." parts; 0 when none does. */
static int findbeside(const char *argv0, const char *const *candidates, const char *file,
                      char *out, size_t n) {
  char dir[PATH_MAX], probe[PATH_MAX + 64];
  exedir(argv0, dir, sizeof dir);
  for (size_t i = 0; candidates[i]; i++) {
    snprintf(probe, sizeof probe, "%s%s/%s", dir, candidates[i], file);
    if (!isfile(probe)) continue;
    snprintf(probe, sizeof probe, "%s%s", dir, candidates[i]);
    if (!realpath(probe, out)) snprintf(out, n, "%s", probe);
    return 1;
  }
  return 0;
}

/* Puts the first folder holding torch/init.lua among <exe>/lua, <exe>/../lua and
   <exe>/../share/lua/5.4 in front of package.path, so the files of the tree the
   executable was built in win over any installed copy. Installed under a prefix on Lua's
   default path, none is found and the default path serves. */
static void setpath(lua_State *L, const char *argv0) {
  static const char *const candidates[] = {"/lua", "/../lua", "/../share/lua/5.4", NULL};
  char d[PATH_MAX + 64];
  if (!findbeside(argv0, candidates, "torch/init.lua", d, sizeof d)) return;
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", d, d);
  prepend(L, "path");
}

/* Puts the folder of the C modules built or installed with this executable (dl/mpi.so,
   loaded by dl.distributed) in front of package.cpath: <exe>/lua in a build folder,
   <exe>/build/lua for ./dlua in the source tree, <exe>/../lib/lua/5.4 under a prefix. */
static void setcpath(lua_State *L, const char *argv0) {
  static const char *const candidates[] = {"/lua", "/build/lua", "/../lib/lua/5.4", NULL};
  char d[PATH_MAX + 64];
  if (!findbeside(argv0, candidates, "dl/mpi.so", d, sizeof d)) return;
  lua_pushfstring(L, "%s/?.so", d);
  prepend(L, "cpath");
}

static void preload_torch(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_torch_core);
  lua_setfield(L, -2, "torch.core");
  lua_pop(L, 1);
}

/* torch into the global torch; then dlua.globals, which adds the Lua 5.1 names and the
   lazily loaded globals paths, sys and xlua that Torch7's th gave scripts. */
static int load_torch(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushstring(L, "torch");
  int status = dlua_docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, "torch");
  if (status == LUA_OK) {
    lua_getglobal(L, "require");
    lua_pushstring(L, "dlua.globals");
    status = dlua_docall(L, 1, 0);
  }
  return dlua_report(L, status);
}

/* ---- dlua --np N script args: N ranks on this host under mpirun ---- */

/* Runs `mpirun -np N <this executable> args...` with what a container needs: root may
   run it, more ranks than cores are allowed (--oversubscribe), threads are not pinned to
   one core each (--bind-to none), and one host needs no ssh (mpirun forks locally). A
   sanitizer's LD_PRELOAD is kept for the ranks but not given to mpirun itself. Returns
   only when mpirun cannot be started. */
static int launch(int argc, char **argv) {
  char *end = NULL;
  long n = argc > 2 ? strtol(argv[2], &end, 10) : 0;
  if (argc < 4 || !end || *end != '\0' || n < 1 || n > 4096) {
    dlua_message(dlua_progname, "usage: dlua --np N script.lua [args] (N from 1 to 4096)");
    return EXIT_FAILURE;
  }
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return dlua_message(dlua_progname, "--np: cannot find this executable"), EXIT_FAILURE;
  exe[len] = '\0';
  char **av = calloc((size_t)argc + 16, sizeof *av);
  if (!av) return EXIT_FAILURE;
  int k = 0;
  av[k++] = "mpirun";
  if (geteuid() == 0) av[k++] = "--allow-run-as-root";
  av[k++] = "--oversubscribe";
  av[k++] = "--bind-to";
  av[k++] = "none";
  const char *pre = getenv("LD_PRELOAD");
  char *preload = pre && *pre ? malloc(strlen(pre) + 16) : NULL;
  if (preload) {
    sprintf(preload, "LD_PRELOAD=%s", pre);
    av[k++] = "-x";
    av[k++] = preload;
    unsetenv("LD_PRELOAD");
  }
  av[k++] = "-np";
  av[k++] = argv[2];
  av[k++] = exe;
  for (int i = 3; i < argc; i++) av[k++] = argv[i];
  av[k] = NULL;
  execvp("mpirun", av);
  fprintf(stderr, "%s: --np needs Open MPI's mpirun, which could not be run (%s); install "
          "Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev, or make deps)\n",
          dlua_progname, strerror(errno));
  free(av);
  free(preload);
  return EXIT_FAILURE;
}

/* ---- main ---- */

static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int script = 0;
  int args = collectargs(argv, &script);
  int optlim = script > 0 ? script : argc;
  luaL_checkversion(L);
  if (args == has_error) {
    print_usage(argv[script]);
    return 0;
  }
  if (args & has_help) {
    print_usage(NULL);
    lua_pushboolean(L, 1);
    return 1;
  }
  if (args & has_v) print_version();
  if (args & has_E) { /* makes the package library ignore LUA_PATH and LUA_CPATH */
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  preload_torch(L);
  setpath(L, argv[0]);
  setcpath(L, argv[0]);
  createargtable(L, argv, argc, script);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  if (!(args & has_E) && handle_luainit(L) != LUA_OK) return 0;
  if (load_torch(L) != LUA_OK) return 0;
  if (!runargs(L, argv, optlim)) return 0;
  if (script > 0 && handle_script(L, argv + script) != LUA_OK) return 0;
  if (args & has_i) {
    repl_run(L);
  } else if (script < 1 && !(args & (has_e | has_v))) {
    if (isatty(0)) {
      print_version();
      repl_run(L);
    } else {
      dofile(L, NULL); /* stdin as a file, as lua does */
    }
  }
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  if (argv[0] && argv[0][0]) {
    const char *base = strrchr(argv[0], '/');
    dlua_progname = base ? base + 1 : argv[0];
  }
  if (argc > 1 && strcmp(argv[1], "--np") == 0) return launch(argc, argv);
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    dlua_message(argv[0], "cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP); /* no collection while building the state */
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  int result = lua_toboolean(L, -1);
  dlua_report(L, status);
  lua_close(L);
  return (result && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
