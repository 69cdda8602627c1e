# dlua: `make` builds ./dlua, the Lua module and the C core; `make test` runs everything.
# BUILD names the build folder, so that several builds (and sanitizer builds) coexist.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SAN      ?=

CC       ?= cc
BLAS_INC  = /usr/include/x86_64-linux-gnu/openblas-openmp
BLAS_LIB  = /usr/lib/x86_64-linux-gnu/openblas-openmp
LUA_INC   = /usr/include/lua5.4

# -march=native: dlua is built where it runs, and AVX2/FMA make the optimizer and
# pointwise loops (which stay outside BLAS) about twice as fast as SSE4.2 ones.
OPT      ?= -O2 -march=native -fno-math-errno -fvect-cost-model=dynamic
# -fwrapv: LongTensor arithmetic wraps on overflow, as in Torch7 and PyTorch, instead of
# being undefined behaviour that a script could trigger (torch.abs of math.mininteger).
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -fPIC -fopenmp \
            -fwrapv -I$(BLAS_INC) $(OPT) -g
ifneq ($(SAN),)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN     = -fsanitize=address,undefined
endif
LIBS      = -L$(BLAS_LIB) -Wl,-rpath,$(BLAS_LIB) -lopenblas -lz -lm -fopenmp $(LDSAN)

# The PNG and JPEG codecs link libpng and libjpeg, so they stay out of libdlua.a (which
# needs only BLAS, zlib and libm) and go into the Lua module and ./dlua (IMG_OBJ).
IMG_SRC   = src/io/png.c src/io/jpeg.c
IMG_LIBS  = -lpng -ljpeg
CORE_SRC  = $(filter-out $(IMG_SRC),$(wildcard src/core/*.c src/ops/*.c src/nn/*.c \
            src/optim/*.c src/io/*.c src/image/*.c))
# dl/mpi.so, the collectives of dl.distributed, is the only code linked against Open MPI
# (src/dist includes mpi.h): core.so and ./dlua run without it (docs/distributed.md).
MPI_INC   = /usr/lib/x86_64-linux-gnu/openmpi/include
MPI_SRC   = src/lua/lt_mpi.c $(wildcard src/dist/*.c)
# src/lua/lt_capi.c is the C API's Lua state: it goes into libdlua.so only (CAPI_SRC).
LUA_SRC   = $(filter-out $(MPI_SRC) src/lua/lt_capi.c,$(wildcard src/lua/*.c))
TEST_SRC  = $(wildcard tests/test_*.c)
EXE_SRC   = $(wildcard src/*.c)
EXE_OBJ   = $(EXE_SRC:%.c=$(BUILD)/%.o)
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o)
IMG_OBJ   = $(IMG_SRC:%.c=$(BUILD)/%.o)
LUA_OBJ   = $(LUA_SRC:%.c=$(BUILD)/%.o)
MPI_OBJ   = $(MPI_SRC:%.c=$(BUILD)/%.o)
TESTS     = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

LIBCORE   = $(BUILD)/libdlua.a
# The C API for inference (include/dlua.h, docs/c_api.md): libdlua.so is libdlua.a plus
# the Lua bindings, dlua's Lua files compiled in ($(LUA_GEN)) and the dlua_ functions.
CAPI_SRC  = $(wildcard src/capi/*.c) src/lua/lt_capi.c
CAPI_OBJ  = $(CAPI_SRC:%.c=$(BUILD)/%.o)
LUA_FILES = $(sort $(wildcard lua/*/*.lua lua/*/*/*.lua))
LUA_GEN   = $(BUILD)/gen/lua_files.c
LIBSO     = $(BUILD)/libdlua.so
EXAMPLES  = $(BUILD)/examples/infer
LUAMOD    = $(BUILD)/lua/torch/core.so
MPIMOD    = $(BUILD)/lua/dl/mpi.so
EXE       = $(BUILD)/dlua

# Debian packages the build and the tests need; `make deps` installs the missing ones.
DEB_PKGS  = gcc make lua5.4 liblua5.4-dev lua-busted libopenblas-openmp-dev zlib1g-dev \
            libedit-dev tmux dataset-fashion-mnist lua-filesystem lua-penlight \
            libpng-dev libjpeg-dev libopenmpi-dev openmpi-bin
# Optional test packages: spec/dl_report_spec.lua renders the HTML report in headless
# Chromium; `make deps` tries to install it, and without it that spec fails saying so.
OPT_PKGS  = chromium
SUDO      = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test check-c check-spec bench fuzz fuzz-api fuzz-files install uninstall clean

all: $(EXE) $(LUAMOD) $(MPIMOD) $(LIBCORE) $(LIBSO) $(TESTS) $(EXAMPLES)
ifeq ($(BUILD),build)
all: dlua
dlua: $(EXE)
	cp $(EXE) dlua
endif

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@for p in $(OPT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p || \
	  echo "deps: optional package $$p not installed (its specs will fail and say so)"; \
	done

# Objects depend on the flags they were built with, so changing OPT or SAN rebuilds them.
FLAGS_STAMP = $(BUILD)/cflags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS)' > $@
.PHONY: FORCE

$(BUILD)/%.o: %.c $(FLAGS_STAMP) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/src/lua/%.o: CFLAGS += -I$(LUA_INC)
$(EXE_OBJ): CFLAGS += -I$(LUA_INC)
$(BUILD)/src/dist/%.o: CFLAGS += -I$(MPI_INC)

$(LIBCORE): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# nodelete: lua_close unloads C modules, and unloading OpenMP while its worker threads
# still exist crashes the process at exit.
$(LUAMOD): $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-z,nodelete -o $@ $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE) $(IMG_LIBS) $(LIBS)

# Found by the core's symbols at run time (src/lua/lt_mpi.c), so it links libmpi alone.
$(MPIMOD): $(MPI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-z,nodelete -o $@ $(MPI_OBJ) -lmpi $(LDSAN)

$(EXE): $(EXE_OBJ) $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE)
	$(CC) -o $@ $(EXE_OBJ) $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE) -llua5.4 -ledit $(IMG_LIBS) $(LIBS) -Wl,-E

# The list of Lua files, rewritten when it changes, so that a removed file is dropped too.
$(BUILD)/gen/lua_files.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(LUA_FILES)' | cmp -s - $@ || echo '$(LUA_FILES)' > $@
$(LUA_GEN): scripts/embed_lua.lua $(LUA_FILES) $(BUILD)/gen/lua_files.list
	lua5.4 scripts/embed_lua.lua lua $@ $(LUA_FILES)
$(LUA_GEN:.c=.o): $(LUA_GEN) src/lua/lt_capi.h $(FLAGS_STAMP)
	$(CC) $(CFLAGS) -Isrc/lua -c $< -o $@

$(LIBSO): $(CAPI_OBJ) $(LUA_GEN:.c=.o) $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE) src/capi/dlua.map
	$(CC) -shared -Wl,-z,nodelete -Wl,-soname,libdlua.so -Wl,--version-script=src/capi/dlua.map \
	  -o $@ $(CAPI_OBJ) $(LUA_GEN:.c=.o) $(LUA_OBJ) $(IMG_OBJ) $(LIBCORE) -llua5.4 $(IMG_LIBS) $(LIBS)

# C programs of the C API link libdlua.so, found beside them through the rpath.
CAPI_LINK = -Iinclude $(LIBSO) -Wl,-rpath,'$$ORIGIN/..' -lpthread -lz -lm $(LDSAN)
$(BUILD)/examples/infer: examples/c/infer.c include/dlua.h $(LIBSO) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(CAPI_LINK)
$(BUILD)/tests/test_capi: tests/test_capi.c tests/check.h include/dlua.h $(LIBSO) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(CAPI_LINK)

$(BUILD)/tests/%: tests/%.c tests/check.h $(LIBCORE) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBCORE) $(LIBS)

# The collectives' test links the MPI layer and libmpi (one rank, no mpirun).
$(BUILD)/tests/test_comm: tests/test_comm.c tests/check.h $(BUILD)/src/dist/comm.o $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(BUILD)/src/dist/comm.o -lmpi -lm $(LDSAN)

# The image test also checks the codecs, which are not in libdlua.a.
$(BUILD)/tests/test_image: tests/test_image.c tests/check.h $(IMG_OBJ) $(LIBCORE) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(IMG_OBJ) $(LIBCORE) $(IMG_LIBS) $(LIBS)

# The whole suite, plain and then under AddressSanitizer + UBSan; last line: N passed, N failed.
test: deps
	@sh tests/run.sh

# One build's C tests or specs (used by tests/run.sh; BUILD selects the build).
check-c: $(TESTS)
	@sh tests/run.sh c $(BUILD)
check-spec: $(EXE) $(LUAMOD) $(MPIMOD)
	@sh tests/run.sh spec $(BUILD)

# Benchmarks need PyTorch for the side-by-side columns (Debian's python3-torch) and time(1).
bench: all $(BUILD)/bench_sgemm $(BUILD)/bench_gemm
	@for p in python3-torch time; do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p || true; done
	@BUILD=$(BUILD) sh scripts/bench.sh

$(BUILD)/bench_sgemm: scripts/bench_sgemm.c $(FLAGS_STAMP) | deps
	$(CC) $(CFLAGS) -o $@ $< $(LIBS)

$(BUILD)/bench_gemm: scripts/bench_gemm.c $(LIBCORE) $(FLAGS_STAMP) | deps
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBCORE) $(LIBS)

# libFuzzer targets (clang, installed here with its runtime), each run for FUZZ_TIME
# seconds on a copy of its seed corpus (docs/fuzzing.md): a crash leaves crash-* in the
# run's folder.
#   make fuzz     [FUZZ_TIME=600]  the .t7 loader: io_t7_scan over t7_check.c, the
#                                  tensor and storage checks torch.load runs
#   make fuzz-idx [FUZZ_TIME=600]  the IDX reader dl.readIDX runs, in memory and
#                                  through a (gzip) file
.PHONY: fuzz-idx
FUZZ_TIME ?= 600
FUZZ_CORE  = src/core/error.c src/core/tensor.c src/core/storage.c src/core/dtype.c
FUZZ_SRC   = src/io/t7.c src/io/t7_check.c $(FUZZ_CORE)
FUZZ_IDX_SRC = src/io/idx.c src/io/file.c $(FUZZ_CORE)
FUZZ_CC    = clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=undefined -Isrc
FUZZ_RUN   = -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 -max_len=65536
define FUZZ_CLANG
@for p in clang libclang-rt-14-dev; do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p; done
@mkdir -p $(dir $@)
endef
$(BUILD)/fuzz/fuzz_t7: scripts/fuzz_t7.c $(FUZZ_SRC) src/io/t7.h src/io/t7_check.h
	$(FUZZ_CLANG)
	$(FUZZ_CC) -o $@ scripts/fuzz_t7.c $(FUZZ_SRC) -lm
fuzz: $(BUILD)/fuzz/fuzz_t7
	@mkdir -p $(BUILD)/fuzz/corpus
	cp -n tests/corpus/t7/* $(BUILD)/fuzz/corpus/
	cd $(BUILD)/fuzz && ./fuzz_t7 $(FUZZ_RUN) corpus
$(BUILD)/fuzz-idx/fuzz_idx: scripts/fuzz_idx.c $(FUZZ_IDX_SRC) src/io/idx.h src/io/file.h
	$(FUZZ_CLANG)
	$(FUZZ_CC) -o $@ scripts/fuzz_idx.c $(FUZZ_IDX_SRC) -lz -lm
fuzz-idx: $(BUILD)/fuzz-idx/fuzz_idx
	@mkdir -p $(BUILD)/fuzz-idx/corpus
	cp -n tests/corpus/idx/* $(BUILD)/fuzz-idx/corpus/
	cd $(BUILD)/fuzz-idx && ./fuzz_idx $(FUZZ_RUN) corpus
#   make fuzz-image [FUZZ_TIME=600]  the PNG, JPEG and PGM/PPM decoders image.load runs
.PHONY: fuzz-image
FUZZ_IMG_SRC = $(IMG_SRC) src/io/pnm.c src/io/raster.c src/io/atomic.c $(FUZZ_CORE)
$(BUILD)/fuzz-image/fuzz_image: scripts/fuzz_image.c $(FUZZ_IMG_SRC) src/io/png.h src/io/jpeg.h \
                               src/io/pnm.h src/io/raster.h
	$(FUZZ_CLANG)
	$(FUZZ_CC) -o $@ scripts/fuzz_image.c $(FUZZ_IMG_SRC) $(IMG_LIBS) -lm
fuzz-image: $(BUILD)/fuzz-image/fuzz_image
	@mkdir -p $(BUILD)/fuzz-image/corpus
	cp -n tests/corpus/image/* $(BUILD)/fuzz-image/corpus/
	cd $(BUILD)/fuzz-image && ./fuzz_image $(FUZZ_RUN) corpus

# The stateful misuse driver under ASan + UBSan (docs/fuzzing.md):
#   make fuzz-api [FUZZ_TIME=1800] [FUZZ_SEED=n] [FUZZ_SKIP=8,11] [FUZZ_VERBOSE=1]
FUZZ_SEED ?= 1
FUZZ_SKIP ?=
fuzz-api:
	@$(MAKE) -s BUILD=build-asan SAN=1 OPT=-O1 all
	ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:quarantine_size_mb=32:max_allocation_size_mb=2048 \
	  UBSAN_OPTIONS=print_stacktrace=1 FUZZ_TIME=$(FUZZ_TIME) FUZZ_SEED=$(FUZZ_SEED) \
	  FUZZ_SKIP=$(FUZZ_SKIP) build-asan/dlua spec/fuzz_state_driver.lua

# The file readers on the paths scripts use (torch.load/deserialize, dl.readIDX,
# dl.readCSV), mutated inputs under ASan + UBSan: make fuzz-files [FUZZ_TIME=600]
fuzz-files:
	@$(MAKE) -s BUILD=build-asan SAN=1 OPT=-O1 all
	for f in t7 idx csv; do \
	  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    FUZZ_TIME=$(FUZZ_TIME) FUZZ_SEED=$(FUZZ_SEED) build-asan/dlua scripts/fuzz_files.lua $$f || exit 1; \
	done

LUADIR  = $(DESTDIR)$(PREFIX)/share/lua/5.4
CMODDIR = $(DESTDIR)$(PREFIX)/lib/lua/5.4
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/dlua \
	  $(CMODDIR)/torch $(LUADIR)
	install -m 755 $(EXE) $(DESTDIR)$(PREFIX)/bin/dlua
	install -m 644 $(LIBCORE) $(DESTDIR)$(PREFIX)/lib/libdlua.a
	install -m 755 $(LIBSO) $(DESTDIR)$(PREFIX)/lib/libdlua.so
	install -m 644 include/dlua.h $(DESTDIR)$(PREFIX)/include/dlua.h
	install -m 755 $(LUAMOD) $(CMODDIR)/torch/core.so
	install -D -m 755 $(MPIMOD) $(CMODDIR)/dl/mpi.so
	for d in core ops nn optim io image; do \
	  install -d $(DESTDIR)$(PREFIX)/include/dlua/$$d; \
	  for h in src/$$d/*.h; do [ -f "$$h" ] && install -m 644 $$h $(DESTDIR)$(PREFIX)/include/dlua/$$d/; done; \
	done; true
	cd lua && find . -name '*.lua' | while read f; do \
	  install -D -m 644 "$$f" "$(LUADIR)/$$f"; done
	install -m 644 data/image_sample.png $(LUADIR)/image/sample.png
	install -d $(DESTDIR)$(PREFIX)/share/doc/dlua
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/dlua/ # for ?name and help()

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/libdlua.so $(DESTDIR)$(PREFIX)/include/dlua.h
	rm -f $(DESTDIR)$(PREFIX)/bin/dlua $(DESTDIR)$(PREFIX)/lib/libdlua.a $(CMODDIR)/torch/core.so $(CMODDIR)/dl/mpi.so
	rm -rf $(DESTDIR)$(PREFIX)/include/dlua
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/dlua
	cd lua && for d in */; do rm -rf "$(LUADIR)/$$d"; done

clean:
	rm -rf build build-* dlua

-include $(CORE_OBJ:.o=.d) $(LUA_OBJ:.o=.d) $(MPI_OBJ:.o=.d) $(EXE_OBJ:.o=.d) $(IMG_OBJ:.o=.d) \
  $(CAPI_OBJ:.o=.d)
