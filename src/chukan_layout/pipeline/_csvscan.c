/* The compiled half of pipeline/_csv_block_scan.py's quote proof: one block of a CSV file judged on
 * 64-bit words of byte-class bits, as the numpy route (BlockScan.block) does with word arrays, but
 * with every word's bits built and combined in registers (SSE2 compares where the machine has
 * them, a portable loop elsewhere) in one pass over the block.
 *
 * block(data, n, quote, delim, parity, prev, after, ends) -> (code, offset, parity, records, empty)
 *
 *   data    the block's bytes (n of them); quote / delim: the CSV's quote and delimiter bytes
 *   parity  quotes before the block, mod 2; prev / after: the byte before and after the block,
 *           -1 for the start / end of the file
 *   ends    a writable buffer of n / 64 + 1 uint64 words: bit i = byte i is a LF outside quotes
 *           (a record end), every bit at or past n zero, as the numpy route's ``_ends``
 *   code    0: proven; 1: a quote not at a field boundary (offset: its byte in the block, the
 *           first one); 2: a carriage return outside quotes without a line feed after it
 *   parity  quotes up to the block's end, mod 2; records: the set bits of ``ends``;
 *   empty   "\n\n" or "\n\r\n" inside the block (not across its edges: the caller's)
 *
 * The rules are the numpy route's, bit for bit (the tests compare the two on random blocks):
 * an opening quote (inside bit 1 after it) needs a delimiter, LF, quote or the start of the file
 * before it; a closing quote needs a delimiter, CR, LF, quote or the end of the file after it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct {
    uint64_t q, lf, cr, dl;
} Bits;

/* the class bits of up to 64 bytes (bytes past m are zero bits) */
static Bits classify(const uint8_t *p, Py_ssize_t m, uint8_t quote, uint8_t delim) {
    Bits b = {0, 0, 0, 0};
#if defined(__SSE2__)
    if (m == 64) {
        const __m128i vq = _mm_set1_epi8((char)quote), vl = _mm_set1_epi8('\n');
        const __m128i vc = _mm_set1_epi8('\r'), vd = _mm_set1_epi8((char)delim);
        for (int k = 0; k < 4; k++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
            int s = 16 * k;
            b.q |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << s;
            b.lf |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vl)) << s;
            b.cr |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vc)) << s;
            b.dl |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)) << s;
        }
        return b;
    }
#endif
    for (Py_ssize_t i = 0; i < m; i++) {
        uint8_t c = p[i];
        uint64_t bit = (uint64_t)1 << i;
        if (c == quote) b.q |= bit;
        if (c == '\n') b.lf |= bit;
        if (c == '\r') b.cr |= bit;
        if (c == delim) b.dl |= bit;
    }
    return b;
}

static uint64_t prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

static int popcount64(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(x);
#else
    int c = 0;
    while (x) { x &= x - 1; c++; }
    return c;
#endif
}

static int lowest_bit(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int i = 0;
    while (!(x & 1)) { x >>= 1; i++; }
    return i;
#endif
}

static PyObject *block(PyObject *self, PyObject *args) {
    Py_buffer data, ends;
    Py_ssize_t n;
    int quote_i, delim_i, parity, prev, after;
    if (!PyArg_ParseTuple(args, "y*niiiiiw*", &data, &n, &quote_i, &delim_i, &parity, &prev, &after, &ends))
        return NULL;
    PyObject *res = NULL;
    Py_ssize_t nw = n / 64 + 1;
    if (n < 0 || data.len < n || ends.len < nw * 8) {
        PyErr_SetString(PyExc_ValueError, "block: buffers too small");
        goto done;
    }
    const uint8_t *p = (const uint8_t *)data.buf;
    uint64_t *out = (uint64_t *)ends.buf;
    const uint8_t quote = (uint8_t)quote_i, delim = (uint8_t)delim_i;
    int code = 0, empty = 0;
    Py_ssize_t offset = -1;
    long long records = 0;
    uint64_t carry_in = parity ? ~(uint64_t)0 : 0; /* inside-quotes state before the word */
    /* the byte before the block: an opening quote at byte 0 needs it in {delim, LF, quote, BOF} */
    uint64_t before_prev_top = (prev == delim_i || prev == '\n' || prev == quote_i || prev == -1);
    /* the byte after the block: a closing quote at byte n - 1 needs it in {delim, CR, LF, quote, EOF} */
    uint64_t after_ok = (after == delim_i || after == '\r' || after == '\n' || after == quote_i || after == -1);
    int lf_prev_top = 0; /* the previous word's last byte was LF (inside the block only) */
    Py_BEGIN_ALLOW_THREADS
    Bits cur = classify(p, n < 64 ? n : 64, quote, delim);
    for (Py_ssize_t w = 0; w < nw; w++) {
        Py_ssize_t at = (w + 1) * 64;
        Bits next = {0, 0, 0, 0};
        if (at < n) next = classify(p + at, n - at < 64 ? n - at : 64, quote, delim);
        uint64_t inside = prefix_xor(cur.q) ^ carry_in;
        uint64_t outside = ~inside;
        uint64_t before = cur.dl | cur.lf | cur.q;
        uint64_t behind = before | cur.cr;
        uint64_t next_behind_bit0 = at == n ? after_ok : (next.dl | next.lf | next.q | next.cr) & 1;
        uint64_t next_lf_bit0 = next.lf & 1;
        /* bit n (the byte after the block) lives in word n / 64: the after byte's class */
        if (w == n / 64 && after_ok) behind |= (uint64_t)1 << (n % 64);
        if (cur.q) {
            uint64_t before_shift = (before << 1) | before_prev_top;
            uint64_t behind_shift = (behind >> 1) | (next_behind_bit0 << 63);
            uint64_t bad = (cur.q & inside & ~before_shift) | (cur.q & outside & ~behind_shift);
            if (bad) { /* the first such quote; it outranks a bare CR found earlier, as in the numpy route */
                code = 1;
                offset = w * 64 + lowest_bit(bad);
                break;
            }
        }
        uint64_t lf_down = (cur.lf >> 1) | (next_lf_bit0 << 63);
        uint64_t lf_up = (cur.lf << 1) | (uint64_t)lf_prev_top;
        if (cur.lf & lf_down) empty = 1;
        if (cur.cr) {
            uint64_t lf_after = lf_down;
            if (n > 0 && w == (n - 1) / 64 && after == '\n') lf_after |= (uint64_t)1 << ((n - 1) % 64);
            if (cur.cr & outside & ~lf_after) code = code ? code : 2;
            if (cur.cr & lf_down & lf_up) empty = 1;
        }
        uint64_t e = cur.lf & outside;
        out[w] = e;
        records += popcount64(e);
        carry_in = (inside >> 63) ? ~(uint64_t)0 : 0;
        before_prev_top = before >> 63;
        lf_prev_top = (int)(cur.lf >> 63);
        cur = next;
    }
    Py_END_ALLOW_THREADS
    res = Py_BuildValue("(iniLi)", code, offset, carry_in ? 1 : 0, records, empty);
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&ends);
    return res;
}

static PyMethodDef methods[] = {
    {"block", block, METH_VARARGS, "Judge one block of a CSV file's quotes and line ends (see the file's comment)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_csvscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__csvscan(void) { return PyModule_Create(&module); }
