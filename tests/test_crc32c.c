/* CRC-32C against the published check value and the iSCSI test vectors (RFC 3720,
   B.4), against a bit-at-a-time definition on every length 0..64 and alignment, and
   the mask against a value worked by hand. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "io/crc32c.h"

/* The definition, one bit at a time. */
static uint32_t crc_bitwise(const unsigned char *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (c & 1 ? 0x82F63B78u : 0);
  }
  return ~c;
}

int main(void) {
  unsigned char buf[80];
  CHECK(io_crc32c(0, "123456789", 9) == 0xE3069283u);
  CHECK(io_crc32c(0, "", 0) == 0);
  memset(buf, 0, 32);
  CHECK(io_crc32c(0, buf, 32) == 0x8A9136AAu);
  memset(buf, 0xff, 32);
  CHECK(io_crc32c(0, buf, 32) == 0x62A8AB43u);
  for (int i = 0; i < 32; i++) buf[i] = (unsigned char)i;
  CHECK(io_crc32c(0, buf, 32) == 0x46DD794Eu);
  for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(31 - i);
  CHECK(io_crc32c(0, buf, 32) == 0x113FDB5Cu);
  /* continuing a checksum equals checksumming the whole */
  CHECK(io_crc32c(io_crc32c(0, "1234", 4), "56789", 5) == 0xE3069283u);
  for (int i = 0; i < 80; i++) buf[i] = (unsigned char)(i * 37 + 11);
  int all = 1;
  for (size_t off = 0; off < 8; off++)
    for (size_t n = 0; n + off <= 72; n++)
      if (io_crc32c(0, buf + off, n) != crc_bitwise(buf + off, n)) all = 0;
  CHECK(all);
  /* mask: 0xE3069283 rotated right by 15 bits is 0x2507C60D, plus 0xa282ead8 */
  uint32_t c = 0xE3069283u, rot = (c >> 15) | (c << 17);
  CHECK(rot == 0x2507C60Du);
  CHECK(io_crc32c_mask(c) == 0xC78AB0E5u);
  return check_done("crc32c");
}
