/* The one call newsdesk makes into Debian's libavif: 8-bit RGB or RGBA pixels in, an AVIF file
 * out (YUV 4:2:0, the quantizer range and speed given, one thread). Built by build.rs only when
 * pkg-config finds libavif; otherwise renditions are made without AVIF. */
#include <avif/avif.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int nd_avif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int has_alpha,
                   int min_quantizer, int max_quantizer, int speed,
                   uint8_t **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    avifImage *image = avifImageCreate(width, height, 8, AVIF_PIXEL_FORMAT_YUV420);
    if (!image) return -1;
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, image);
    rgb.format = has_alpha ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
    rgb.depth = 8;
    rgb.pixels = (uint8_t *)pixels;
    rgb.rowBytes = width * (has_alpha ? 4 : 3);
    avifResult r = avifImageRGBToYUV(image, &rgb);
    if (r != AVIF_RESULT_OK) {
        avifImageDestroy(image);
        return (int)r;
    }
    avifEncoder *encoder = avifEncoderCreate();
    if (!encoder) {
        avifImageDestroy(image);
        return -1;
    }
    encoder->maxThreads = 1;
    encoder->speed = speed;
    encoder->minQuantizer = min_quantizer;
    encoder->maxQuantizer = max_quantizer;
    encoder->minQuantizerAlpha = min_quantizer;
    encoder->maxQuantizerAlpha = max_quantizer;
    avifRWData output = AVIF_DATA_EMPTY;
    r = avifEncoderWrite(encoder, image, &output);
    avifEncoderDestroy(encoder);
    avifImageDestroy(image);
    if (r != AVIF_RESULT_OK) {
        avifRWDataFree(&output);
        return (int)r;
    }
    *out = malloc(output.size);
    if (!*out) {
        avifRWDataFree(&output);
        return -1;
    }
    memcpy(*out, output.data, output.size);
    *out_len = output.size;
    avifRWDataFree(&output);
    return 0;
}

void nd_avif_free(uint8_t *data) { free(data); }
