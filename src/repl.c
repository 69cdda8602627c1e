/* The interactive loop of dlua, after lua.c's doREPL: a line is first tried as an
   expression ("return " .. line) whose values are printed, then as a statement; a chunk
   whose syntax error ends at "<eof>" is incomplete and continues on the next line.
   With a terminal, lines come from libedit's readline API, with history kept across
   sessions and tab completion of globals, fields, methods and (inside a string) file
   names. A line "?name" prints the documentation of name from the docs pages (dlua.help);
   "?" alone lists the topics. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <lauxlib.h>
#include <lua.h>

#include "repl.h"

#define PROMPT "> "
#define PROMPT2 ">> "
#define HISTORY_FILE ".dlua_history"
#define HISTORY_MAX 1000

enum { LINE_EOF = 0, LINE_OK = 1, LINE_INTERRUPTED = 2 };
#define STATUS_INTERRUPTED (-2) /* a Ctrl-C dropped the chunk being typed */
#define STATUS_EOF (-1)

static int use_editline;
static lua_State *completionL; /* the state whose globals tab completion looks at */
static volatile sig_atomic_t prompt_interrupted;

/* ---- history ---- */

static char history_path[4096];
static char *last_saved; /* the last line added, so repeated lines are stored once */

static void history_save(void) {
  if (history_path[0]) write_history(history_path);
}

static void history_open(void) {
  const char *home = getenv("HOME");
  if (home == NULL || home[0] == '\0') return;
  snprintf(history_path, sizeof history_path, "%s/%s", home, HISTORY_FILE);
  using_history();
  stifle_history(HISTORY_MAX);
  read_history(history_path);
  static int registered;
  if (!registered) atexit(history_save); /* os.exit() from the prompt saves too */
  registered = 1;
}

static void history_add(const char *line) {
  if (!use_editline || line[0] == '\0') return;
  if (last_saved && strcmp(last_saved, line) == 0) return;
  add_history(line);
  free(last_saved);
  last_saved = strdup(line);
}

/* ---- reading lines ---- */

static void onprompt(int sig) {
  (void)sig;
  prompt_interrupted = 1;
}

/* Ctrl-C at the prompt: caught without SA_RESTART, so that the read in readline fails
   with EINTR and the line is dropped. */
static void catch_prompt_interrupt(void) {
  struct sigaction sa;
  sa.sa_handler = onprompt;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
}

/* Reading through libedit: a custom getc, so that Ctrl-C ends the line cleanly. */
static int getc_interruptible(FILE *f) {
  unsigned char c;
  for (;;) {
    ssize_t n = read(fileno(f), &c, 1);
    if (n == 1) return c;
    if (n == 0) return EOF;
    if (errno != EINTR) return EOF;
    if (prompt_interrupted) {
      rl_replace_line("", 0); /* drop what was typed, and end the line */
      return '\n';
    }
  }
}

static char *read_plain(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    free(line);
    return NULL;
  }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = '\0';
  return line;
}

static const char *get_prompt(lua_State *L, int firstline) {
  const char *name = firstline ? "_PROMPT" : "_PROMPT2";
  const char *p = firstline ? PROMPT : PROMPT2;
  if (lua_getglobal(L, name) == LUA_TSTRING) p = lua_tostring(L, -1);
  lua_pop(L, 1); /* the string stays alive in the global */
  return p;
}

/* Pushes the next line (without its newline). Returns LINE_OK, LINE_EOF, or
   LINE_INTERRUPTED when Ctrl-C dropped the line. */
static int pushline(lua_State *L, int firstline) {
  const char *prompt = get_prompt(L, firstline);
  prompt_interrupted = 0;
  catch_prompt_interrupt();
  char *line = use_editline ? readline(prompt) : read_plain();
  if (prompt_interrupted) {
    free(line);
    clearerr(stdin); /* a read cut by the signal left the error flag */
    if (use_editline) fputs("^C\n", stdout);
    fflush(stdout);
    return LINE_INTERRUPTED;
  }
  if (line == NULL) return LINE_EOF;
  lua_pushstring(L, line);
  free(line);
  return LINE_OK;
}

/* ---- compiling a line ---- */

/* The line ends with ';' (spaces aside): run it, but do not print its values. */
static int ends_with_semicolon(const char *s, size_t *cut) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  *cut = n > 0 ? n - 1 : 0;
  return n > 0 && s[n - 1] == ';';
}

/* Tries the line at index 1 as an expression; on success pushes the function. */
static int addreturn(lua_State *L) {
  const char *line = lua_tostring(L, 1);
  size_t cut;
  if (ends_with_semicolon(line, &cut)) /* "return x;;" would not compile */
    lua_pushfstring(L, "return %s", lua_pushlstring(L, line, cut));
  else
    lua_pushfstring(L, "return %s", line);
  const char *ret = lua_tostring(L, -1);
  int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
  if (status == LUA_OK) {
    history_add(line);
    lua_insert(L, 2);
    lua_settop(L, 2); /* line, function */
  } else {
    lua_settop(L, 1);
  }
  return status;
}

static int incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    static const char eof[] = "<eof>";
    size_t leof = sizeof eof - 1;
    if (lmsg >= leof && strcmp(msg + lmsg - leof, eof) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

/* Compiles the line at index 1 as a statement, reading more lines while incomplete.
   Leaves the chunk at 1 and the function or error message at 2. */
static int multiline(lua_State *L) {
  for (;;) {
    size_t len;
    const char *chunk = lua_tolstring(L, 1, &len);
    int status = luaL_loadbuffer(L, chunk, len, "=stdin");
    if (!incomplete(L, status)) {
      history_add(chunk);
      return status;
    }
    int r = pushline(L, 0);
    if (r == LINE_INTERRUPTED) return STATUS_INTERRUPTED;
    if (r == LINE_EOF) /* input ended inside a statement: report its error */
      return luaL_loadbuffer(L, chunk, len, "=stdin");
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3); /* chunk .. "\n" .. line, at index 1 */
  }
}

/* "?name" (spaces allowed around): replaces the line at 1 with the chunk that prints
   name's documentation, keeping only the characters of a name (letters, digits, _ . :),
   so the chunk is always well formed. Returns whether the line was a help request. */
static int helpline(lua_State *L) {
  const char *line = lua_tostring(L, 1);
  while (*line == ' ' || *line == '\t') line++;
  if (*line != '?') return 0;
  history_add(lua_tostring(L, 1));
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "require('dlua.help').show('");
  for (const char *p = line + 1; *p; p++)
    if (*p == '_' || *p == '.' || *p == ':' || (*p >= 'a' && *p <= 'z') ||
        (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
      luaL_addchar(&b, *p);
  luaL_addstring(&b, "')");
  luaL_pushresult(&b);
  lua_replace(L, 1);
  return 1;
}

/* Reads and compiles one chunk; leaves the function at the top. *quiet is set when the
   input ended with ';'. */
static int loadline(lua_State *L, int *quiet) {
  lua_settop(L, 0);
  int r = pushline(L, 1);
  if (r == LINE_EOF) return STATUS_EOF;
  if (r == LINE_INTERRUPTED) return STATUS_INTERRUPTED;
  if (helpline(L)) {
    size_t len;
    const char *chunk = lua_tolstring(L, 1, &len);
    *quiet = 1;
    int status = luaL_loadbuffer(L, chunk, len, "=stdin");
    lua_remove(L, 1);
    return status;
  }
  size_t cut;
  *quiet = ends_with_semicolon(lua_tostring(L, 1), &cut);
  int status = addreturn(L);
  if (status != LUA_OK) status = multiline(L);
  if (status == STATUS_INTERRUPTED)
    lua_settop(L, 0);
  else
    lua_remove(L, 1); /* the line; the function or the error message stays */
  return status;
}

/* Prints the values on the stack with the global print (interruptible: a __tostring
   may loop). */
static void printvalues(lua_State *L) {
  int n = lua_gettop(L);
  if (n == 0) return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  lua_getglobal(L, "print");
  lua_insert(L, 1);
  if (dlua_docall(L, n, 0) != LUA_OK)
    dlua_message(dlua_progname,
                 lua_pushfstring(L, "error calling 'print' (%s)", lua_tostring(L, -1)));
}

/* ---- tab completion ---- */

static int isname(const char *s) {
  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return 0;
  for (const char *p = s; *p; p++)
    if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9')))
      return 0;
  return 1;
}

/* Adds to the set at index `set` every string key of the table at the top that starts
   with partial (functions only when methods is set), skipping metamethods when skipmeta. */
static void addkeys(lua_State *L, int set, const char *partial, int methods, int skipmeta) {
  size_t plen = strlen(partial);
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      int callable = lua_isfunction(L, -1) || lua_istable(L, -1);
      if (strncmp(k, partial, plen) == 0 && isname(k) && (!methods || callable) &&
          !(skipmeta && k[0] == '_' && k[1] == '_')) {
        lua_pushboolean(L, 1);
        lua_setfield(L, set, k);
      }
    }
    lua_pop(L, 1);
  }
}

/* Adds the names reachable from the value at the top: its own keys when a table, then
   through its metatable's __index (a table: followed; a function: the metatable itself
   is searched, as tensor methods live there). Pops the value. */
static void gather(lua_State *L, int set, const char *partial, int methods, int depth) {
  if (depth > 8) {
    lua_pop(L, 1);
    return;
  }
  if (lua_istable(L, -1)) addkeys(L, set, partial, methods, depth > 0);
  if (lua_getmetatable(L, -1)) {
    lua_getfield(L, -1, "__index");
    if (lua_istable(L, -1)) {
      lua_remove(L, -2);
      gather(L, set, partial, methods, depth + 1);
    } else {
      int isfn = lua_isfunction(L, -1);
      lua_pop(L, 1);
      if (isfn) addkeys(L, set, partial, methods, 1);
      lua_pop(L, 1); /* the metatable */
    }
  }
  lua_pop(L, 1);
}

static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    NULL};

/* Protected: text at 1; returns a sequence of full completions of text. */
static int completions(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  const char *sep = NULL;
  for (const char *p = text; *p; p++)
    if (*p == '.' || *p == ':') sep = p;
  lua_newtable(L); /* 2: set of names */
  int set = 2;
  const char *partial = sep ? sep + 1 : text;
  lua_pushglobaltable(L);
  if (sep) { /* walk the prefix a.b.c from the globals */
    const char *p = text;
    while (p < sep) {
      const char *q = p;
      while (q < sep && *q != '.' && *q != ':') q++;
      lua_pushlstring(L, p, (size_t)(q - p));
      if (!isname(lua_tostring(L, -1)) || !(lua_istable(L, -2) || lua_isuserdata(L, -2)))
        return 0;
      lua_gettable(L, -2); /* may run __index: we are protected */
      lua_remove(L, -2);
      p = q + 1;
    }
  } else {
    for (int i = 0; keywords[i]; i++)
      if (strncmp(keywords[i], partial, strlen(partial)) == 0) {
        lua_pushboolean(L, 1);
        lua_setfield(L, set, keywords[i]);
      }
  }
  gather(L, set, partial, sep && *sep == ':', 0);
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, set)) {
    lua_pop(L, 1);
    lua_pushlstring(L, text, (size_t)(partial - text));
    lua_pushvalue(L, -2);
    lua_concat(L, 2);
    lua_rawseti(L, out, ++n);
  }
  return 1;
}

static char **matches;
static int nmatches;

static char *nextmatch(const char *text, int state) {
  static int i;
  (void)text;
  if (state == 0) i = 0;
  return i < nmatches ? strdup(matches[i++]) : NULL;
}

static void freematches(void) {
  for (int i = 0; i < nmatches; i++) free(matches[i]);
  free(matches);
  matches = NULL;
  nmatches = 0;
}

/* The position of the quote that opens the string literal `start` is inside, or -1. */
static int instring(int start) {
  const char *line = rl_line_buffer;
  char open = 0;
  int at = -1;
  for (int i = 0; line && i < start && line[i]; i++) {
    if (open && line[i] == '\\') {
      if (line[i + 1]) i++;
    } else if (open && line[i] == open) {
      open = 0;
    } else if (!open && (line[i] == '"' || line[i] == '\'')) {
      open = line[i];
      at = i;
    }
  }
  return open ? at : -1;
}

/* File names completing the string from its quote to the cursor. Readline replaces only
   the word [start, end) (a '/' breaks words), so each match drops the part before start. */
static void filematches(int quote, int start, int end) {
  int plen = end - quote - 1, skip = start - quote - 1;
  if (plen < 0 || skip < 0) return;
  char *path = strndup(rl_line_buffer + quote + 1, (size_t)plen);
  if (path == NULL) return;
  char *m;
  for (int state = 0; (m = rl_filename_completion_function(path, state)) != NULL; state++) {
    char **grown = realloc(matches, (size_t)(nmatches + 2) * sizeof *matches);
    if (grown == NULL) {
      free(m);
      break;
    }
    matches = grown;
    matches[nmatches++] = strdup(strlen(m) >= (size_t)skip ? m + skip : m);
    free(m);
  }
  free(path);
}

static char **complete(const char *text, int start, int end) {
  lua_State *L = completionL;
  rl_attempted_completion_over = 1; /* never fall back to file names outside strings */
  rl_completion_append_character = '\0';
  freematches();
  int quote = instring(start);
  if (quote >= 0) {
    filematches(quote, start, end);
    return nmatches > 0 ? rl_completion_matches(text, nextmatch) : NULL;
  }
  int top = lua_gettop(L);
  lua_pushcfunction(L, completions);
  lua_pushstring(L, text);
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
    int n = (int)luaL_len(L, -1);
    matches = calloc((size_t)n + 1, sizeof *matches);
    for (int i = 1; matches && i <= n; i++) {
      lua_rawgeti(L, -1, i);
      matches[nmatches++] = strdup(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  return nmatches > 0 ? rl_completion_matches(text, nextmatch) : NULL;
}

static void editline_open(lua_State *L) {
  static char breaks[] = " \t\n\"'`<>=;+-*/%^~#&|,(){}[]";
  completionL = L;
  rl_readline_name = "dlua";
  rl_attempted_completion_function = complete;
  rl_completer_word_break_characters = breaks;
  rl_basic_word_break_characters = breaks;
  rl_getc_function = getc_interruptible;
  history_open();
}

/* ---- the loop ---- */

void repl_run(lua_State *L) {
  use_editline = isatty(0);
  if (use_editline) editline_open(L);
  int status;
  int quiet = 0;
  while ((status = loadline(L, &quiet)) != STATUS_EOF) {
    if (status == STATUS_INTERRUPTED) continue;
    if (status == LUA_OK) status = dlua_docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK) {
      if (!quiet) printvalues(L);
    } else {
      dlua_report(L, status);
    }
    fflush(stdout);
  }
  lua_settop(L, 0);
  signal(SIGINT, SIG_DFL);
  if (use_editline) {
    fputs("\n", stdout);
    history_save();
  }
  fflush(stdout);
}
