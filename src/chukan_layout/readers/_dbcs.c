/* The compiled half of readers/dbcs.py: a column of legacy double-byte text (cp932) to UTF-8.
 *
 * decode(n, offsets, data, singles, pairs) -> (offsets, text) | None
 *
 *   n        values in the column
 *   offsets  n + 1 int32 offsets into data (Arrow's own, not rebased: a slice starts above 0)
 *   data     the column's bytes
 *   singles  256 uint32: the UTF-8 of a one-byte character, packed (its bytes little-endian in
 *            bits 0..23, its length in bits 24..31); LEAD for a byte that begins a two-byte
 *            character; 0 for a byte the codec refuses (and for NUL: a NUL in a value is an error)
 *   pairs    65536 uint32: the packed UTF-8 of lead << 8 | trail; 0 for a pair the codec refuses
 *
 * The tables are built by the Python side from Python's own codec, so the values are the codec's
 * by construction. Anything the tables refuse (an unmapped pair, a lead byte at a value's end, a
 * NUL) returns None: the caller then decodes the column with the codec itself, which raises the
 * exact error. The result is the column's new offsets (from 0) and its UTF-8 text, in bytes
 * objects the caller wraps as Arrow buffers without a copy.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define LEAD 0xFFFFFFFEu
#define HIGH 0x8080808080808080ull
#define ONES 0x0101010101010101ull

static PyObject *decode(PyObject *self, PyObject *args) {
    Py_buffer off, data, singles, pairs;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "ny*y*y*y*", &n, &off, &data, &singles, &pairs)) return NULL;
    PyObject *res = NULL;
    if (n < 0 || off.len < (n + 1) * 4 || singles.len < 256 * 4 || pairs.len < 65536 * 4) {
        PyErr_SetString(PyExc_ValueError, "decode: buffers too small for the column");
        goto done;
    }
    const int32_t *o = (const int32_t *)off.buf;
    const uint8_t *d = (const uint8_t *)data.buf;
    const uint32_t *s = (const uint32_t *)singles.buf;
    const uint32_t *p = (const uint32_t *)pairs.buf;
    int64_t lo = o[0], hi = o[n];
    if (lo < 0 || hi < lo || hi > data.len) {
        PyErr_SetString(PyExc_ValueError, "decode: offsets outside the data");
        goto done;
    }
    /* a character grows at most 3× (a one-byte half-width kana is 3 bytes of UTF-8); + 4 for the
       whole-word store of the last character */
    int64_t cap = 3 * (hi - lo) + 4;
    if (cap > INT32_MAX) {
        res = Py_None;
        Py_INCREF(res);
        goto done;
    }
    PyObject *ob = PyBytes_FromStringAndSize(NULL, (n + 1) * 4);
    PyObject *db = PyBytes_FromStringAndSize(NULL, cap);
    if (!ob || !db) {
        Py_XDECREF(ob);
        Py_XDECREF(db);
        goto done;
    }
    int32_t *oo = (int32_t *)PyBytes_AS_STRING(ob);
    uint8_t *w0 = (uint8_t *)PyBytes_AS_STRING(db), *w = w0;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && !bad; i++) {
        oo[i] = (int32_t)(w - w0);
        const uint8_t *q = d + o[i], *e = d + o[i + 1];
        if (e < q || o[i + 1] > hi) { bad = 1; break; } /* offsets not ascending within the data */
        while (q < e) {
            if (e - q >= 8) { /* eight ASCII bytes, none of them NUL: copied as they are */
                uint64_t v;
                memcpy(&v, q, 8);
                if (!(v & HIGH) && !((v - ONES) & ~v & HIGH)) {
                    memcpy(w, q, 8);
                    w += 8;
                    q += 8;
                    continue;
                }
            }
            uint32_t c = s[*q];
            if (c == LEAD) {
                if (q + 1 >= e) { bad = 1; break; } /* a lead byte ends the value */
                c = p[((uint32_t)q[0] << 8) | q[1]];
                q += 2;
            } else {
                q += 1;
            }
            if (!c) { bad = 1; break; }
            memcpy(w, &c, 4); /* the packed UTF-8, then step over its length only */
            w += c >> 24;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad) {
        Py_DECREF(ob);
        Py_DECREF(db);
        res = Py_None;
        Py_INCREF(res);
        goto done;
    }
    oo[n] = (int32_t)(w - w0);
    if (_PyBytes_Resize(&db, w - w0) < 0) {
        Py_DECREF(ob);
        goto done;
    }
    res = Py_BuildValue("(NN)", ob, db);
done:
    PyBuffer_Release(&off);
    PyBuffer_Release(&data);
    PyBuffer_Release(&singles);
    PyBuffer_Release(&pairs);
    return res;
}

static PyMethodDef methods[] = {
    {"decode", decode, METH_VARARGS, "A double-byte column to UTF-8 by the codec's tables; None if they refuse a byte."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dbcs", NULL, -1, methods};

PyMODINIT_FUNC PyInit__dbcs(void) { return PyModule_Create(&module); }
