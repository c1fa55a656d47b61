/* The compiled half of readers/csvparse.py: CSV records into Arrow ``binary`` columns in one pass.
 *
 * parse(data, start, stop, final, delim, quote, offsets, columns, max_record) -> (rows, end, full) | None
 *
 *   data     the bytes read (records from ``start``, a record boundary)
 *   stop     records that begin at or after ``stop`` are left for the next call (a soft batch end)
 *   final    true when ``data`` ends the file (a last record without a line end is then read)
 *   delim    the delimiter byte; quote the quote byte (ASCII, neither NUL, CR nor LF, not equal)
 *   offsets  writable, ncols * (cap + 1) int32: column j's offsets at [j * (cap + 1)], from 0;
 *            at most ``cap`` records are read
 *   columns  ncols writable buffers: each column's values, one after the other
 *   max_record  a record longer than this (its line end included) is refused: Arrow's streaming
 *            reader fails on a record that straddles more than two of its blocks
 *
 * ncols is len(columns): every record must have exactly that many fields. The result: the records
 * read, where the next record begins, and ``full``: -1, or what stopped the call before ``stop``,
 * the index of the column whose buffer was full or ncols for ``cap`` (the caller grows that
 * buffer when no record fitted). A record that does not end
 * inside ``data`` is left for the next call unless ``final``. The caller wraps each column's
 * offsets and bytes as an Arrow ``binary`` array without a copy.
 *
 * It reads the RFC 4180 subset that Arrow's reader (with readers/csv_reader.py's options: quotes
 * with doubled quotes, line ends inside quotes kept in the value, empty lines not skipped, no
 * nulls) reads the same way, and answers None for anything else, so that the caller's Arrow route
 * reads those bytes and keeps its exact errors: a record with another field count, a quote inside
 * an unquoted field, a closing quote followed by anything but a delimiter or a line end, a CR
 * outside quotes that is not part of CRLF, a NUL anywhere in ``data``, an empty line, the file
 * ending inside a quoted field, a record longer than ``max_record``. A value is its field's bytes without the enclosing quotes, each
 * doubled quote made one: what Arrow's ``binary`` column holds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HIGH 0x8080808080808080ull
#define ONES 0x0101010101010101ull

typedef struct {
    uint8_t *d;
    int64_t n, len; /* bytes used / writable */
    int32_t *o;     /* the column's offsets */
} Col;

enum { OK = 0, REFUSE = 1, FULL = 2, MORE = 3 };

/* one record from p: OK (p past its line end), or why not; ``row`` is its index */
static int record(const uint8_t **pp, const uint8_t *end, int final, Col *cols, Py_ssize_t ncols,
                  int64_t row, uint8_t delim, uint8_t quote, Py_ssize_t *which) {
    const uint8_t *p = *pp;
    const uint64_t qmask = ONES * quote;
    for (Py_ssize_t j = 0; j < ncols; j++) {
        Col *c = &cols[j];
        *which = j; /* the column a FULL is about */
        if (p < end && *p == quote) {
            /* quoted: to a quote that is not doubled; doubled quotes become one */
            p++;
            for (;;) {
                /* eight bytes at a time, stored whole (the length counts only up to the first
                   quote among them: the bytes after it are overwritten by what follows) */
                while (end - p >= 8) {
                    uint64_t v;
                    memcpy(&v, p, 8);
                    uint64_t x = v ^ qmask;
                    uint64_t m = (x - ONES) & ~x & HIGH; /* its lowest set bit marks the first quote */
                    if (c->n + 8 > c->len) return FULL;
                    memcpy(c->d + c->n, &v, 8);
                    if (m) {
                        int k = __builtin_ctzll(m) >> 3;
                        c->n += k;
                        p += k;
                        goto at_quote;
                    }
                    c->n += 8;
                    p += 8;
                }
                while (p < end && *p != quote) {
                    if (c->n + 1 > c->len) return FULL;
                    c->d[c->n++] = *p++;
                }
                if (p >= end) return final ? REFUSE : MORE; /* inside the quote at the data's end */
            at_quote:
                p++;
                if (p < end && *p == quote) { /* a doubled quote: one quote of the value */
                    if (c->n + 1 > c->len) return FULL;
                    c->d[c->n++] = quote;
                    p++;
                    continue;
                }
                if (p >= end && !final) return MORE; /* the next byte may be a quote */
                break;
            }
        } else {
            /* unquoted: to the delimiter or a line end; a quote inside is not read */
            const uint8_t *q = p;
            while (q < end && *q != delim && *q != '\n' && *q != '\r') {
                if (*q == quote) return REFUSE;
                q++;
            }
            int64_t k = q - p;
            if (k == 0 && j == 0 && q < end && *q != delim) return REFUSE; /* an empty line */
            if (c->n + k > c->len) return FULL;
            memcpy(c->d + c->n, p, (size_t)k);
            c->n += k;
            p = q;
        }
        if (c->n > INT32_MAX) return FULL;
        c->o[row + 1] = (int32_t)c->n;
        /* after a field: the delimiter (before the last field), or the record's line end */
        if (p >= end) {
            if (!final) return MORE;
            if (j != ncols - 1) return REFUSE; /* a last record short of fields */
        } else if (*p == delim) {
            if (j == ncols - 1) return REFUSE; /* more fields than columns */
            p++;
        } else if (*p == '\n' || *p == '\r') {
            if (j != ncols - 1) return REFUSE; /* fewer fields */
            if (*p == '\r') {
                if (p + 1 >= end) return final ? REFUSE : MORE; /* a CR at the file's end: alone */
                if (p[1] != '\n') return REFUSE;               /* a lone CR outside quotes */
                p++;
            }
            p++;
        } else {
            return REFUSE; /* a closing quote followed by something else */
        }
    }
    *pp = p;
    return OK;
}

static PyObject *parse(PyObject *self, PyObject *args) {
    Py_buffer data, offs;
    Py_ssize_t start, stop, max_record;
    int final, delim, quote;
    PyObject *columns;
    if (!PyArg_ParseTuple(args, "y*nnpiiw*On", &data, &start, &stop, &final, &delim, &quote, &offs,
                          &columns, &max_record))
        return NULL;
    PyObject *res = NULL, *seq = NULL;
    Py_buffer *views = NULL;
    Col *cols = NULL;
    Py_ssize_t ncols = 0, got = 0;
    if (start < 0 || start > data.len || delim < 1 || delim > 127 || quote < 1 || quote > 127 ||
        delim == quote || delim == '\r' || delim == '\n' || quote == '\r' || quote == '\n') {
        PyErr_SetString(PyExc_ValueError, "parse: bad start, delimiter or quote");
        goto done;
    }
    seq = PySequence_Fast(columns, "parse: columns must be a sequence of writable buffers");
    if (!seq) goto done;
    ncols = PySequence_Fast_GET_SIZE(seq);
    int64_t cap = ncols ? (int64_t)(offs.len / 4 / ncols) - 1 : -1;
    if (ncols < 1 || cap < 0) {
        PyErr_SetString(PyExc_ValueError, "parse: no columns, or the offsets buffer is too small");
        goto done;
    }
    views = PyMem_Calloc((size_t)ncols, sizeof(Py_buffer));
    cols = PyMem_Calloc((size_t)ncols, sizeof(Col));
    if (!views || !cols) {
        PyErr_NoMemory();
        goto done;
    }
    for (; got < ncols; got++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(seq, got), &views[got], PyBUF_WRITABLE) < 0)
            goto done;
        cols[got].d = (uint8_t *)views[got].buf;
        cols[got].len = views[got].len;
        cols[got].o = (int32_t *)offs.buf + got * (cap + 1);
        cols[got].o[0] = 0;
    }
    const uint8_t *base = (const uint8_t *)data.buf, *end = base + data.len;
    if (stop > data.len) stop = data.len;
    const uint8_t *p = base + start;
    int64_t rows = 0;
    int status = OK;
    Py_ssize_t which = -1;
    Py_BEGIN_ALLOW_THREADS
    /* a NUL anywhere: Arrow reads it as text, the byte guard trips on it; the caller's route decides */
    if (memchr(p, 0, (size_t)(end - p)) != NULL) status = REFUSE;
    while (status == OK && p < base + stop) {
        if (rows >= cap) {
            status = FULL;
            which = ncols;
            break;
        }
        const uint8_t *q = p;
        status = record(&q, end, final, cols, ncols, rows, (uint8_t)delim, (uint8_t)quote, &which);
        if (status == OK && q - p > max_record) status = REFUSE;
        if (status == OK) {
            rows++;
            p = q;
        } else if (status != REFUSE) { /* left for the next call: the columns as they were */
            for (Py_ssize_t j = 0; j < ncols; j++) cols[j].n = cols[j].o[rows];
        }
    }
    Py_END_ALLOW_THREADS
    if (status == REFUSE) {
        res = Py_None;
        Py_INCREF(res);
    } else {
        res = Py_BuildValue("(nnn)", (Py_ssize_t)rows, (Py_ssize_t)(p - base),
                            status == FULL ? which : (Py_ssize_t)-1);
    }
done:
    for (Py_ssize_t j = 0; j < got; j++) PyBuffer_Release(&views[j]);
    PyMem_Free(views);
    PyMem_Free(cols);
    Py_XDECREF(seq);
    PyBuffer_Release(&data);
    PyBuffer_Release(&offs);
    return res;
}

static PyMethodDef methods[] = {
    {"parse", parse, METH_VARARGS,
     "CSV records into binary columns' buffers; None for anything Arrow's route must read."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_csvparse", NULL, -1, methods};

PyMODINIT_FUNC PyInit__csvparse(void) { return PyModule_Create(&module); }
