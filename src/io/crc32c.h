/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TensorBoard's
   record framing (and of iSCSI, ext4, LevelDB). */
#ifndef IO_CRC32C_H
#define IO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32C of n bytes, continuing from crc (0 to start): io_crc32c(io_crc32c(0, a, na),
   b, nb) is the checksum of a followed by b. */
uint32_t io_crc32c(uint32_t crc, const void *data, size_t n);
/* TensorBoard's (LevelDB's) masked form: ((crc >> 15) | (crc << 17)) + 0xa282ead8, so a
   checksum stored in the data it covers does not checksum to a fixed value. */
uint32_t io_crc32c_mask(uint32_t crc);

#endif
