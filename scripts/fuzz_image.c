/* libFuzzer target over the PNG, JPEG and PGM/PPM decoders (src/io/png.c, jpeg.c,
   pnm.c, and io_raster_unpack), calling what torch._image.decode (src/lua/lt_image.c)
   calls. The first input byte picks the decoder (bits 0-1: PNG, JPEG, PGM/PPM, PNG) and
   the tensor type (bits 2-3: Float, Double, Long, Byte); the rest is the file. Each decoded image is encoded
   again (PNG, and JPEG when it has 1 or 3 channels), as image.save would. Sizes are
   bounded by IO_RASTER_MAX_SAMPLES and the decoders' own limits, so a crash, leak, hang
   or huge allocation is a bug in the glue. Build and run: make fuzz-image
   FUZZ_TIME=600. libpng and libjpeg themselves are not instrumented (Debian's builds):
   the guidance covers dlua's code. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/jpeg.h"
#include "io/png.h"
#include "io/pnm.h"

static const dl_dtype types[4] = {DL_FLOAT, DL_DOUBLE, DL_LONG, DL_BYTE};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  dl_tensor out;
  dl_tensor_init(&out, types[(data[0] >> 2) & 3]);
  int codec = data[0] & 3;
  int rc = codec == 1   ? io_jpeg_decode("fuzz", "input", data + 1, size - 1, &out)
           : codec == 2 ? io_pnm_decode("fuzz", "input", data + 1, size - 1, &out)
                        : io_png_decode("fuzz", "input", data + 1, size - 1, &out);
  if (rc == 0) {
    unsigned char *buf;
    size_t len;
    if (io_png_encode("fuzz", &out, &buf, &len) == 0) free(buf);
    if (io_jpeg_encode("fuzz", &out, 50, &buf, &len) == 0) free(buf);
  }
  dl_tensor_free(&out);
  return 0;
}
