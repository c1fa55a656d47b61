/* The compiled half of some validation checks: whole-column byte loops that numpy does in several
 * passes (decode, look up, find the rows), here in one pass over a string column's UTF-8 bytes.
 *
 * charset_rows(n, offsets, data, outside, ideographs, selectors, out) -> int | None
 *
 *   n           values in the column
 *   offsets     n + 1 int32 offsets into data (Arrow's own, not rebased: a slice starts above 0)
 *   data        the column's UTF-8 bytes
 *   outside     0x110000 bits (little-endian within a byte, numpy's packbits(bitorder="little")): set
 *               where the code point is outside the character class (136 KiB: it stays in the L2 cache,
 *               where a byte per code point, 1.1 MB, made the lookup the loop's cost)
 *   ideographs  bytes over U+0000..: nonzero where a variation selector may follow the code point
 *               (empty for a class without context: every character outside is then bad)
 *   selectors   int64 (lo, hi) pairs: the variation selectors, judged in context (empty: none)
 *   out         n bytes, written: 1 where the value holds a bad character, else 0
 *
 * A character is bad when the table says outside, except a selector: that one is bad only at the
 * start of a value or after a code point that is not an ideograph (checks_charset.py's rule). The
 * answer is the count of bad rows; None when the bytes are not valid UTF-8 (or a character runs
 * over the end of its value): the caller's pure route then decodes the column with Python's codec,
 * which raises the exact error.
 *
 * sjis_widths(n, offsets, data, out) -> None
 *
 *   out   n int64, written: the cp932 byte width of each value, counted on its UTF-8 bytes as
 *         utf8.sjis_widths does with numpy: 1 per lead byte, +1 per lead byte >= 0xC0, −1 per 半角
 *         カナ sequence EF BD A1–BF / EF BE 80–9F (its trailing bytes read from the column, not
 *         the value, exactly as the numpy route reads them, so the two agree on any bytes).
 *
 * date_rows(n, offsets, data, mode, first, out) -> (int, int)
 *
 *   out   n bytes, written: 0 for a blank value or a good date, 1 for a bad one, 2 for a 不詳 date
 *         that is good only if the record's flag item is "1" (the caller knows the flag); + 4 for
 *         a day the calendar lacks (month 1–12, day past its last and ≤ 31: item.date_nonexistent,
 *         whatever the verdict)
 *   mode  1: keep days the calendar lacks (day 1–31 of a real month); 2: a 不詳 month (MM-DD
 *         "00-00") may be rescued; 4: a 不詳 day (DD "00") may be rescued
 *   first the lowest YYYYMMDD of a good full date (明治: era_range), 0 for none
 *
 *   checks_date.build_date's rule, row by row: a value is a date when it is "NNNN-NN-NN" in ASCII
 *   digits; the answer is the count of rows with a verdict 1 or 2, and the count of + 4 rows.
 *
 * equal_rows(n, offsets, data, value, out) -> int
 *
 *   out   n bytes, written: 1 where the value's bytes are exactly ``value``; the answer is the count
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define N_CODEPOINTS 0x110000
#define HIGH 0x8080808080808080ull
#define ONES 0x0101010101010101ull

/* Eight bytes of printable ASCII (0x20–0x7E): no high bit, no byte below 0x20, no DEL. */
static int printable8(uint64_t v) {
    uint64_t below = (v - 0x20 * ONES) & ~v & HIGH;
    uint64_t x = v ^ (0x7F * ONES);
    uint64_t del = (x - ONES) & ~x & HIGH;
    return !(v & HIGH) && !below && !del;
}

/* Offsets inside the data and never decreasing: else a ValueError (the caller passed a bad array). */
static int check_offsets(const int32_t *o, Py_ssize_t n, Py_ssize_t data_len, const char *who) {
    if (o[0] < 0 || o[n] > data_len) {
        PyErr_Format(PyExc_ValueError, "%s: offsets outside the data", who);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (o[i + 1] < o[i]) {
            PyErr_Format(PyExc_ValueError, "%s: offsets decrease", who);
            return -1;
        }
    }
    return 0;
}

/* The code point at d[p] (p < hi) and its length in *len, or -1 for bytes Python's UTF-8 codec
   refuses: a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, a truncated
   sequence. */
static int32_t decode_at(const uint8_t *d, int64_t p, int64_t hi, int *len) {
    uint32_t b = d[p];
    if (b < 0x80) {
        *len = 1;
        return (int32_t)b;
    }
    if (b < 0xC2 || b > 0xF4) return -1;
    int n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (hi - p < n) return -1;
    uint32_t cp = b & (0x7F >> n);
    for (int k = 1; k < n; k++) {
        uint32_t c = d[p + k];
        if ((c & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (c & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return -1;
    *len = n;
    return (int32_t)cp;
}

/* The row holding byte pos (o[0] <= pos < o[n]): the last i with o[i] <= pos (empty rows share
   their offset with the next row and never hold a byte). */
static Py_ssize_t row_of(const int32_t *o, Py_ssize_t n, int64_t pos) {
    Py_ssize_t a = 0, b = n - 1;
    while (a < b) {
        Py_ssize_t m = a + (b - a + 1) / 2;
        if (o[m] <= pos) a = m;
        else b = m - 1;
    }
    return a;
}

static PyObject *charset_rows(PyObject *self, PyObject *args) {
    Py_buffer off, data, outside, ideo, sel, out;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "ny*y*y*y*y*w*", &n, &off, &data, &outside, &ideo, &sel, &out)) return NULL;
    PyObject *res = NULL;
    if (n < 0 || off.len < (n + 1) * 4 || outside.len < N_CODEPOINTS / 8 || out.len < n || sel.len % 16) {
        PyErr_SetString(PyExc_ValueError, "charset_rows: buffers too small for the column");
        goto done;
    }
    const int32_t *o = (const int32_t *)off.buf;
    if (check_offsets(o, n, data.len, "charset_rows") < 0) goto done;
    const uint8_t *d = (const uint8_t *)data.buf;
    const uint8_t *tab = (const uint8_t *)outside.buf;
    const uint8_t *ideos = (const uint8_t *)ideo.buf;
    const int64_t *sels = (const int64_t *)sel.buf;
    Py_ssize_t n_ideo = ideo.len, n_sel = sel.len / 16;
    uint8_t *w = (uint8_t *)out.buf;
    /* every printable ASCII character allowed (controls never are, unless the item allows them):
       eight printable bytes at once need no lookup (prev = the last of them) */
    int ascii_ok = 1;
    for (int c = 0x20; c < 0x7F; c++) ascii_ok &= !((tab[c >> 3] >> (c & 7)) & 1);
    /* three-byte characters (U+0800–FFFF: kana, kanji, 全角 forms) by their first two bytes, a
       block of 64 code points: 2 when all 64 are allowed (no decoding, no lookup: most characters
       of a Japanese column), 1 for a block to look up by code point, 0 for an overlong form or a
       surrogate (the general case refuses it) */
    uint8_t ok3[1024];
    for (int blk = 0; blk < 1024; blk++) {
        uint64_t v;
        memcpy(&v, tab + (size_t)blk * 8, 8);
        ok3[blk] = blk < 0x20 || (blk >= 0x360 && blk <= 0x37F) ? 0 : v == 0 ? 2 : 1;
    }
    Py_ssize_t count = 0;
    int err = 0;
    Py_BEGIN_ALLOW_THREADS
    memset(w, 0, (size_t)n);
    /* One pass over the whole column's bytes, not value by value (short values made the per-row
       set-up the cost): the row of a bad character is searched in the offsets, rarely. Each value
       is valid UTF-8 when the column is and no value starts inside a character (checked after). */
    int64_t p = n ? o[0] : 0, hi = n ? o[n] : 0;
    while (p < hi) {
        uint32_t b = d[p];
        if ((b & 0xF0) == 0xE0 && hi - p >= 3) {
            uint32_t b1 = d[p + 1], b2 = d[p + 2];
            if ((((b1 & 0xC0) << 8) | (b2 & 0xC0)) == 0x8080) {
                uint32_t blk = ((b & 0x0F) << 6) | (b1 & 0x3F), cp = (blk << 6) | (b2 & 0x3F);
                if (ok3[blk] == 2 || (ok3[blk] == 1 && !((tab[cp >> 3] >> (cp & 7)) & 1))) {
                    p += 3;
                    continue;
                }
            }
        } else if (b < 0x80 && ascii_ok) {
            if (hi - p >= 8) {
                uint64_t v;
                memcpy(&v, d + p, 8);
                if (printable8(v)) {
                    p += 8;
                    continue;
                }
            }
            if (b >= 0x20 && b < 0x7F) {
                p += 1;
                continue;
            }
        }
        /* the general case: decode, look the code point up, judge a selector by its predecessor */
        int len;
        int32_t cp = decode_at(d, p, hi, &len);
        if (cp < 0) {
            err = 1;
            break;
        }
        if ((tab[cp >> 3] >> (cp & 7)) & 1) {
            int is_sel = 0;
            for (Py_ssize_t k = 0; k < n_sel; k++) is_sel |= sels[2 * k] <= cp && cp <= sels[2 * k + 1];
            Py_ssize_t row = row_of(o, n, p);
            int bad = !is_sel || o[row] == p; /* a selector first in its value has no ideograph before it */
            if (!bad) { /* the character before: back over continuation bytes (already validated) */
                int64_t q = p - 1;
                while (q > o[row] && (d[q] & 0xC0) == 0x80) q--;
                int plen;
                int32_t prev = decode_at(d, q, p, &plen);
                bad = prev < 0 || prev >= n_ideo || !ideos[prev];
            }
            if (bad) {
                count += !w[row];
                w[row] = 1;
            }
        }
        p += len;
    }
    for (Py_ssize_t i = 0; i < n && !err; i++) err |= o[i] < hi && (d[o[i]] & 0xC0) == 0x80;
    Py_END_ALLOW_THREADS
    if (err) { /* not valid UTF-8 value by value: the pure route decides (and raises) */
        res = Py_None;
        Py_INCREF(res);
    } else {
        res = PyLong_FromSsize_t(count);
    }
done:
    PyBuffer_Release(&off);
    PyBuffer_Release(&data);
    PyBuffer_Release(&outside);
    PyBuffer_Release(&ideo);
    PyBuffer_Release(&sel);
    PyBuffer_Release(&out);
    return res;
}

static PyObject *sjis_widths(PyObject *self, PyObject *args) {
    Py_buffer off, data, out;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "ny*y*w*", &n, &off, &data, &out)) return NULL;
    PyObject *res = NULL;
    if (n < 0 || off.len < (n + 1) * 4 || out.len < n * 8) {
        PyErr_SetString(PyExc_ValueError, "sjis_widths: buffers too small for the column");
        goto done;
    }
    const int32_t *o = (const int32_t *)off.buf;
    if (check_offsets(o, n, data.len, "sjis_widths") < 0) goto done;
    const uint8_t *d = (const uint8_t *)data.buf;
    int64_t *w = (int64_t *)out.buf;
    const int64_t hi = o[n];
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t q = o[i], e = o[i + 1], width = 0;
        while (q < e) {
            uint32_t b = d[q];
            /* a three-byte character (kana, kanji) whose two trailing bytes are continuation bytes:
               2, or 1 for 半角カナ — the per-byte weights below summed (a trailing byte weighs 0, also
               when it lies past the value's end: the next value then counts it as 0 again) */
            if (b >= 0xE0 && b < 0xF0 && q + 2 < hi) {
                uint32_t b1 = d[q + 1], b2 = d[q + 2];
                if ((((b1 & 0xC0) << 8) | (b2 & 0xC0)) == 0x8080) {
                    width += 2 - (b == 0xEF && ((b1 == 0xBD && b2 >= 0xA1) || (b1 == 0xBE && b2 <= 0x9F)));
                    q += 3;
                    continue;
                }
            }
            if (b < 0x80 && e - q >= 8) { /* eight ASCII bytes: eight characters of one byte */
                uint64_t v;
                memcpy(&v, d + q, 8);
                if (!(v & HIGH)) {
                    width += 8;
                    q += 8;
                    continue;
                }
            }
            width += ((b & 0xC0) != 0x80) + (b >= 0xC0);
            /* 半角カナ: one cp932 byte for three UTF-8 bytes (the numpy route reads the two after an
               EF up to the column's end, not the value's) */
            if (b == 0xEF && q + 2 < hi) {
                uint8_t b1 = d[q + 1], b2 = d[q + 2];
                width -= (b1 == 0xBD && b2 >= 0xA1) || (b1 == 0xBE && b2 <= 0x9F);
            }
            q++;
        }
        w[i] = width;
    }
    Py_END_ALLOW_THREADS
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&off);
    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    return res;
}

static int days_in(int y, int m) {
    static const int days[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12) return 0;
    return days[m] + (m == 2 && (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0));
}

/* Two ASCII digits as 0–99, or -1 (a byte that is not a digit). */
static int pair(const uint8_t *q) {
    unsigned a = q[0] - 0x30u, b = q[1] - 0x30u;
    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

static PyObject *date_rows(PyObject *self, PyObject *args) {
    Py_buffer off, data, out;
    Py_ssize_t n;
    int mode;
    long first;
    if (!PyArg_ParseTuple(args, "ny*y*ilw*", &n, &off, &data, &mode, &first, &out)) return NULL;
    PyObject *res = NULL;
    if (n < 0 || off.len < (n + 1) * 4 || out.len < n) {
        PyErr_SetString(PyExc_ValueError, "date_rows: buffers too small for the column");
        goto done;
    }
    const int32_t *o = (const int32_t *)off.buf;
    if (check_offsets(o, n, data.len, "date_rows") < 0) goto done;
    const uint8_t *d = (const uint8_t *)data.buf;
    uint8_t *w = (uint8_t *)out.buf;
    Py_ssize_t count = 0, lacking = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t len = o[i + 1] - o[i];
        uint8_t v = 0, nx = 0;
        if (len == 10) {
            const uint8_t *q = d + o[i];
            int y1 = pair(q), y2 = pair(q + 2), m = pair(q + 5), dd = pair(q + 8);
            if (y1 < 0 || y2 < 0 || m < 0 || dd < 0 || q[4] != '-' || q[7] != '-') {
                v = 1;
            } else {
                int y = y1 * 100 + y2, dim = days_in(y, m);
                nx = dim > 0 && dd > dim && dd <= 31;
                int ok = mode & 1 ? dim > 0 && dd >= 1 && dd <= 31 : dd >= 1 && dd <= dim;
                if (first && (long)y * 10000 + m * 100 + dd < first) ok = 0;
                if (!ok) {
                    /* a 不詳 part: good only with the record's flag (the caller's part) */
                    int part = ((mode & 2) && m == 0 && dd == 0) || ((mode & 4) && m >= 1 && m <= 12 && dd == 0);
                    v = y >= 1 && part ? 2 : 1;
                }
            }
        } else if (len) {
            v = 1;
        }
        w[i] = v | nx << 2;
        count += v != 0;
        lacking += nx;
    }
    Py_END_ALLOW_THREADS
    res = Py_BuildValue("(nn)", count, lacking);
done:
    PyBuffer_Release(&off);
    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    return res;
}

static PyObject *equal_rows(PyObject *self, PyObject *args) {
    Py_buffer off, data, value, out;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "ny*y*y*w*", &n, &off, &data, &value, &out)) return NULL;
    PyObject *res = NULL;
    if (n < 0 || off.len < (n + 1) * 4 || out.len < n) {
        PyErr_SetString(PyExc_ValueError, "equal_rows: buffers too small for the column");
        goto done;
    }
    const int32_t *o = (const int32_t *)off.buf;
    if (check_offsets(o, n, data.len, "equal_rows") < 0) goto done;
    const uint8_t *d = (const uint8_t *)data.buf, *v = (const uint8_t *)value.buf;
    const Py_ssize_t k = value.len;
    uint8_t *w = (uint8_t *)out.buf;
    Py_ssize_t count = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint8_t eq = o[i + 1] - o[i] == k && (k == 0 || (d[o[i]] == v[0] && memcmp(d + o[i], v, (size_t)k) == 0));
        w[i] = eq;
        count += eq;
    }
    Py_END_ALLOW_THREADS
    res = PyLong_FromSsize_t(count);
done:
    PyBuffer_Release(&off);
    PyBuffer_Release(&data);
    PyBuffer_Release(&value);
    PyBuffer_Release(&out);
    return res;
}

static PyMethodDef methods[] = {
    {"charset_rows", charset_rows, METH_VARARGS,
     "Rows of a UTF-8 column holding a character outside a class table; None for invalid UTF-8."},
    {"sjis_widths", sjis_widths, METH_VARARGS, "The cp932 byte width of each value of a UTF-8 column."},
    {"date_rows", date_rows, METH_VARARGS, "Each value of a YYYY-MM-DD column judged (good, bad, 不詳 with a flag), days the calendar lacks."},
    {"equal_rows", equal_rows, METH_VARARGS, "Rows of a string column whose bytes equal a value."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
