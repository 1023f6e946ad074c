#!/usr/bin/env python3
"""Writes the fuzz corpus of `altdiff solve` (issue 18): one file per case under
altdiff-examples/src/test/resources/fuzz/cases/ and the manifest fuzz/manifest.tsv.

Manifest columns (tab-separated): id, category, expected exit status, a fragment the JSON on stdout
must contain (case-insensitive), where the case runs (in: in-process through picocli; child: a child
JVM with -Xmx256m and a timeout), then the command-line arguments after `solve`, separated by
single spaces. In the arguments `@name` is the corpus file cases/name and `{gen:KIND:SIZE}` a file
that FuzzCorpusTest writes at run time (large inputs that do not belong in the repository).
Rerun this script after editing it; the output is deterministic.
"""
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "altdiff-examples", "src", "test", "resources", "fuzz")
CASES = os.path.join(ROOT, "cases")
rows = []
names = set()

# the message fragment of error cases whose call below leaves it empty (what the message must name)
FRAGMENTS = {
    'files/utf16': 'positive definite',
    'files/mps-binary.mps': 'unknown section',
    'files/mps-empty.mps': 'ENDATA',
    'syntax/long-number': 'number',
    'syntax/long-fraction': 'number',
    'syntax/long-key': 'unknown key',
    'types/root-null': 'must hold a JSON object',
    'numerics/p-indefinite': 'not positive semidefinite',
    'numerics/p-negative-definite': 'not positive semidefinite',
    'triplets/kkt-sparse': 'sparse',
    'triplets/forward-sparse': 'sparse',
    'triplets/nd4j-sparse': 'sparse',
    'dx/empty-arg': 'gradient file',
    'options/tol-negative': 'tolerance',
    'options/tol-nan': 'tolerance',
    'options/tol-inf': 'tolerance',
    'options/tol-text': '--tol',
    'options/rho-zero': 'rho',
    'options/rho-negative': 'rho',
    'options/rho-nan': 'rho',
    'options/rho-inf': 'rho',
    'options/rho-text': '--rho',
    'options/max-iter-zero': 'maxIterations',
    'options/max-iter-negative': 'maxIterations',
    'options/max-iter-2^31': '--max-iter',
    'options/max-iter-text': '--max-iter',
    'options/max-iter-float': '--max-iter',
    'options/scaling-negative': 'scaling',
    'options/scaling-text': '--scaling',
    'options/scaling-2^31': '--scaling',
    'options/backend-unknown': '--backend',
    'options/backend-empty': '--backend',
    'options/method-unknown': '--method',
    'options/mode-unknown': '--mode',
    'options/mode-kkt': '--mode',
    'options/mps-format-unknown': '--mps-format',
    'options/unknown-option': '--frobnicate',
    'options/missing-value': '--tol',
    'options/max-input-bytes-zero': '--max-input-bytes',
    'options/max-input-bytes-negative': '--max-input-bytes',
    'options/max-input-bytes-text': '--max-input-bytes',
    'options/extra-positional': 'extra.json',
    'options/repeated-tol': '--tol',
    'options/max-input-bytes-2^63': '--max-input-bytes',
    'mps/bound-nan.mps': 'NaN',
    'mps/bound-missing-value.mps': 'bnd',
    'mps/no-rows.mps': 'ROWS',
    'mps/no-columns.mps': 'no columns',
    'mps/only-name.mps': 'ENDATA',
    'mps/only-endata.mps': 'ROWS',
    'mps/objsense-bad.mps': 'SIDEWAYS',
    'mps/unknown-row-type.mps': 'row type',
    'mps/column-odd-fields.mps': '4 fields',
    'mps/column-nan.mps': 'NaN',
    'mps/rhs-unknown-row.mps': 'RHS appears twice',
    'mps/quadobj-indefinite.mps': 'not positive semidefinite',
    'mps/qmatrix-asymmetric.mps': 'not symmetric',
    'mps/too-many-fields.mps': '5 fields',
    'mps/long-line.mps': 'obj',
    'general/entropy-empty': 'non-empty',
    'general/quadratic-triplet': 'array of rows',
    'general/sum-weight-nan': 'weight 0',
    'general/sum-weight-negative': 'weight 0',
    'general/sum-length-mismatch': 'term 1',
    'general/n-string': '\\"n\\" must be an integer',
    'general/method-unknown': '--method',
    'backends/nd4j-numerics-p-indefinite': 'not positive semidefinite',
    'backends/kkt-numerics-p-indefinite': 'not positive semidefinite',
    'backends/nd4j-kkt-numerics-p-indefinite': 'not positive semidefinite',
    'backends/forward-numerics-p-indefinite': 'not positive semidefinite',
    'nesting/arrays-100': 'nested deeper',
    'nesting/arrays-1001': 'nested deeper',
    'nesting/arrays-5000': 'nested deeper',
    'nesting/arrays-20000': 'nested deeper',
    'nesting/objects-5000': 'nested deeper',
    'nesting/p-deep': 'nested deeper',
    'nesting/q-deep': 'nested deeper',
    'nesting/objective-deep': 'nested deeper',
    'numerics/q-overflow-literal': 'not finite',
    'numerics/P-overflow-literal': 'not finite',
    'numerics/A-overflow-literal': 'not finite',
    'numerics/b-overflow-literal': 'not finite',
    'numerics/G-overflow-literal': 'not finite',
    'numerics/h-overflow-literal': 'not finite',
}


SMALL = ('{"format":"altdiff-qp/1","n":3,"P":[[1,0,0],[0,1,0],[0,0,1]],"q":[-0.5,-0.3,0.4],'
         '"A":[[1,1,1]],"b":[1],"G":[[-1,0,0],[0,-1,0],[0,0,-1]],"h":[0,0,0]}')


def case(cat, name, content, exit_code, fragment, args="", where="in", binary=False):
    """A case with its own file (content not None) or only arguments."""
    cid = f"{cat}/{name}"
    assert cid not in names, cid
    names.add(cid)
    fragment = FRAGMENTS.get(cid, fragment)
    if content is not None:
        ext = "" if "." in name else ".json"
        fname = f"{cat}-{name}{ext}"
        if binary:
            with open(os.path.join(CASES, fname), "wb") as f:
                f.write(content)
        else:
            with open(os.path.join(CASES, fname), "w", newline="") as f:
                f.write(content)
        args = f"@{fname}" + (" " + args if args else "")
    rows.append("\t".join([cid, cat, str(exit_code), fragment, where, args]))


def qp(**blocks):
    """A problem: the small QP with blocks replaced (value None removes a key); values are raw JSON."""
    base = {"format": '"altdiff-qp/1"', "n": "3", "P": "[[1,0,0],[0,1,0],[0,0,1]]", "q": "[-0.5,-0.3,0.4]",
            "A": "[[1,1,1]]", "b": "[1]", "G": "[[-1,0,0],[0,-1,0],[0,0,-1]]", "h": "[0,0,0]"}
    for k, v in blocks.items():
        if v is None:
            base.pop(k, None)
        else:
            base[k] = v
    return "{" + ",".join(f'"{k}":{v}' for k, v in base.items()) + "}"


def files():
    c = "files"
    case(c, "missing", None, 2, "no such file", "@does-not-exist.json")
    case(c, "missing-mps", None, 2, "no such file", "@does-not-exist.mps")
    case(c, "directory", None, 2, "not a regular file", "@.")
    case(c, "directory-mps", None, 2, "not a regular file", "@dir.mps")
    case(c, "dev-zero", None, 2, "not a regular file", "/dev/zero", "child")
    case(c, "dev-urandom", None, 2, "not a regular file", "/dev/urandom", "child")
    case(c, "dev-null", None, 2, "not a regular file", "/dev/null")
    case(c, "empty", "", 2, "empty")
    case(c, "whitespace", "  \n\t\n ", 2, "empty")
    case(c, "binary", bytes(range(256)) * 4, 2, "malformed JSON", binary=True)
    case(c, "nul-bytes", b"\x00" * 1000, 2, "malformed JSON", binary=True)
    case(c, "utf16", '{"format":"altdiff-qp/1","n":1}'.encode("utf-16"), 2, "", binary=True)
    case(c, "bad-utf8", b'{"format":"altdiff-qp/1","name":"\xff\xfe","n":1}', 2, "malformed JSON", binary=True)
    case(c, "bom", "\ufeff" + SMALL, 0, "solved")
    case(c, "gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 60, 2, "malformed JSON", binary=True)
    case(c, "over-cap", SMALL, 2, "too_large", "--max-input-bytes 100")
    case(c, "at-cap", SMALL, 0, "solved", f"--max-input-bytes {len(SMALL)}")
    case(c, "big-json-capped", None, 2, "too_large", "{gen:zeros-json:200000} --max-input-bytes 100000")
    case(c, "big-json-child", None, 0, "solved", "{gen:zeros-json:300000} --max-iter 50", "child")
    case(c, "mps-over-cap", "NAME X\nROWS\n N obj\nCOLUMNS\n x obj 1\nENDATA\n", 2, "too_large",
         "--max-input-bytes 10")
    case(c, "mps-binary.mps", bytes(range(256)) * 8, 2, "", binary=True)
    case(c, "mps-empty.mps", "", 2, "")
    for fname, text in (("files-dx-ones.json", "[1,1,1]"), ("files-dx-big.json", "[" + ",".join(["1"] * 500) + "]")):
        with open(os.path.join(CASES, fname), "w") as f:
            f.write(text)
    case(c, "dx-over-cap", SMALL, 2, "too_large", "--dx @files-dx-big.json --max-input-bytes 300")
    case(c, "dx-ones", None, 0, "solved", "@dx-problem.json --dx @files-dx-ones.json")
    case(c, "small", SMALL, 0, "solved")


def syntax():
    c = "syntax"
    cuts = [1, 5, 10, 20, 30, 45, 60, 80, 100, 130, 160]
    for k in [k for k in cuts if k < len(SMALL)]:
        case(c, f"truncated-{k}", SMALL[:k], 2, "malformed JSON")
    case(c, "trailing-comma-array", qp(q="[1,2,3,]"), 2, "malformed JSON")
    case(c, "trailing-comma-object", SMALL[:-1] + ",}", 2, "malformed JSON")
    case(c, "single-quotes", SMALL.replace('"', "'"), 2, "malformed JSON")
    case(c, "comment", "// c\n" + SMALL, 2, "malformed JSON")
    case(c, "block-comment", "/* c */" + SMALL, 2, "malformed JSON")
    case(c, "unquoted-keys", SMALL.replace('"n"', "n"), 2, "malformed JSON")
    case(c, "duplicate-key", SMALL[:-1] + ',"n":3}', 2, "duplicate")
    case(c, "trailing-tokens", SMALL + " {}", 2, "malformed JSON")
    case(c, "trailing-garbage", SMALL + " xyz", 2, "malformed JSON")
    case(c, "two-objects", SMALL + SMALL, 2, "malformed JSON")
    case(c, "hex-number", qp(n="0x3"), 2, "malformed JSON")
    case(c, "leading-zero", qp(n="03"), 2, "malformed JSON")
    case(c, "plus-sign", qp(q="[+1,2,3]"), 2, "malformed JSON")
    case(c, "dot-number", qp(q="[.5,2,3]"), 2, "malformed JSON")
    case(c, "bad-exponent", qp(q="[1e,2,3]"), 2, "malformed JSON")
    case(c, "unterminated-string", '{"format":"altdiff-qp/1', 2, "malformed JSON")
    case(c, "control-char", '{"format":"altdiff-qp/1","name":"a\u0001b","n":1}', 2, "malformed JSON")
    case(c, "bad-escape", '{"format":"altdiff-qp/1","name":"a\\qb","n":1}', 2, "malformed JSON")
    case(c, "missing-colon", '{"format" "altdiff-qp/1","n":1}', 2, "malformed JSON")
    case(c, "missing-comma", '{"format":"altdiff-qp/1" "n":1}', 2, "malformed JSON")
    case(c, "unclosed-array", qp(q="[1,2,3"), 2, "malformed JSON")
    case(c, "extra-bracket", qp(q="[1,2,3]]"), 2, "malformed JSON")
    case(c, "bare-word", "hello", 2, "malformed JSON")
    case(c, "true-literal-typo", qp(q="[tru,2,3]"), 2, "malformed JSON")
    case(c, "nan-lowercase", qp(q="[nan,2,3]"), 2, "malformed JSON")
    case(c, "long-number", qp(q="[1" + "0" * 5000 + ",2,3]"), 2, "")
    case(c, "long-fraction", qp(q="[0." + "1" * 5000 + ",2,3]"), 2, "")
    case(c, "long-key", '{"' + "k" * 20000 + '":1}', 2, "")
    case(c, "long-name", qp(name='"' + "x" * 20000 + '"'), 0, "solved")
    case(c, "unicode-name", qp(name='"\u00e9\u4e2d\U0001F600"'), 0, "solved")
    case(c, "escaped-unicode", qp(name='"\\ud800"'), 0, "solved")
    case(c, "cr-newlines", SMALL.replace(",", ",\r"), 0, "solved")


def nesting():
    c = "nesting"
    for depth in (100, 1001, 5000, 20000):
        case(c, f"arrays-{depth}", "[" * depth + "]" * depth, 2, "")
        case(c, f"unclosed-arrays-{depth}", "[" * depth, 2, "malformed JSON")
    case(c, "objects-5000", '{"a":' * 5000 + "1" + "}" * 5000, 2, "")
    case(c, "q-nested", qp(q="[[1],[2],[3]]"), 2, "q[0] must be a number")
    case(c, "p-3d", qp(P="[[[1]],[[1]],[[1]]]"), 2, "P[0][0] must be a number")
    case(c, "p-flat", qp(P="[1,0,0,0,1,0,0,0,1]"), 2, "P row 0 must be an array")
    case(c, "p-deep", qp(P="[" * 3000 + "]" * 3000), 2, "")
    case(c, "q-deep", qp(q="[" * 3000 + "]" * 3000), 2, "")
    case(c, "root-array", "[" + SMALL + "]", 2, "must hold a JSON object")
    case(c, "objective-deep", '{"format":"altdiff-qp/1","objective":' + '{"type":"sum","terms":[' * 500
         + '{"type":"linear","q":[1]}' + "]}" * 500 + "}", 2, "")
    case(c, "sum-nested-ok", '{"format":"altdiff-qp/1","objective":{"type":"sum","terms":[{"type":"sum","terms":'
         '[{"type":"entropy","y":[1,2]}]}]},"A":[[1,1]],"b":[1]}', 0, "solved")


def dimensions():
    c = "dimensions"
    case(c, "n-missing", qp(n=None), 2, "\\\"n\\\"")
    case(c, "n-zero", qp(n="0", P=None, q=None, A=None, b=None, G=None, h=None), 2, "n must be >= 1")
    case(c, "n-negative", qp(n="-1", P=None, q=None, A=None, b=None, G=None, h=None), 2, "n must be >= 1")
    case(c, "n-float", qp(n="1.5"), 2, "must be an integer")
    case(c, "n-float-integral", qp(n="3.0"), 2, "must be an integer")
    case(c, "n-exponent", qp(n="3e0"), 2, "must be an integer")
    case(c, "n-2^31", qp(n="2147483648"), 2, "must be an integer")
    case(c, "n-huge-literal", qp(n="1" + "0" * 40), 2, "must be an integer")
    case(c, "n-int-max", '{"format":"altdiff-qp/1","n":2147483647}', 2, "too_large", "", "child")
    case(c, "n-int-max-inproc", '{"format":"altdiff-qp/1","n":2147483647,"q":[1]}', 2, "q has length 1")
    case(c, "n-1e8", '{"format":"altdiff-qp/1","n":100000000}', 2, "too_large", "", "child")
    case(c, "n-46341-ojalgo", '{"format":"altdiff-qp/1","n":46341,"G":[[1]],"h":[1]}', 2, "G row 0", "")
    case(c, "n-46341", '{"format":"altdiff-qp/1","n":46341}', 2, "too_large", "", "child")
    case(c, "n-46341-nd4j", '{"format":"altdiff-qp/1","n":46341}', 2, "too_large", "--backend nd4j", "child")
    case(c, "n-65536", '{"format":"altdiff-qp/1","n":65536}', 2, "too_large", "", "child")
    case(c, "n-30000-dense-row", None, 2, "too_large", "{gen:dense-row:30000}", "child")
    case(c, "n-mismatch-q", qp(n="4"), 2, "expected 4")
    case(c, "n-mismatch-small", qp(n="2"), 2, "expected 2")
    case(c, "p-rows-short", qp(P="[[1,0,0],[0,1,0]]"), 2, "P has 2 rows, expected 3")
    case(c, "p-rows-long", qp(P="[[1,0,0],[0,1,0],[0,0,1],[0,0,0]]"), 2, "P has 4 rows")
    case(c, "p-ragged", qp(P="[[1,0,0],[0,1],[0,0,1]]"), 2, "P row 1 has 2 entries")
    case(c, "p-empty-rows", qp(P="[[],[],[]]"), 2, "P row 0")
    case(c, "p-empty", qp(P="[]"), 2, "P has 0 rows")
    case(c, "q-short", qp(q="[1,2]"), 2, "q has length 2")
    case(c, "q-long", qp(q="[1,2,3,4]"), 2, "q has length 4")
    case(c, "q-empty", qp(q="[]"), 2, "q has length 0")
    case(c, "a-without-b", qp(b=None), 2, "b is missing")
    case(c, "b-without-a", qp(A=None), 2, "A is missing")
    case(c, "g-without-h", qp(h=None), 2, "h is missing")
    case(c, "h-without-g", qp(G=None), 2, "G is missing")
    case(c, "a-b-mismatch", qp(b="[1,2]"), 2, "b has length 2")
    case(c, "g-h-mismatch", qp(h="[0,0]"), 2, "h has length 2")
    case(c, "a-cols", qp(A="[[1,1]]"), 2, "A row 0 has 2 entries")
    case(c, "g-cols", qp(G="[[-1,0,0,0],[0,-1,0,0],[0,0,-1,0]]"), 2, "G row 0 has 4 entries")
    case(c, "a-empty-b-empty", qp(A="[]", b="[]"), 0, "solved")
    case(c, "a-empty-b-one", qp(A="[]", b="[1]"), 2, "b has length 1")
    case(c, "g-empty-h-one", qp(G="[]", h="[1]"), 2, "h has length 1")
    case(c, "only-n", '{"format":"altdiff-qp/1","n":3}', 2, "positive definite")
    case(c, "n-1-lp", '{"format":"altdiff-qp/1","n":1,"q":[1],"G":[[-1]],"h":[0]}', 0, "solved")
    case(c, "many-rows-a", qp(A="[" + ",".join(["[1,1,1]"] * 50) + "]", b="[" + ",".join(["1"] * 50) + "]"),
         0, "")
    case(c, "wide-mps", None, 2, "too_large", "{gen:mps-wide:200000}", "child")
    case(c, "tall-mps", None, None, "", "{gen:mps-tall:100000} --max-iter 20", "child")
    case(c, "dx-big-n", None, 2, "too_large", "{gen:zeros-json:20000} --dx ones --max-iter 10000", "child")


def types():
    c = "types"
    case(c, "format-missing", qp(format=None), 2, "format")
    case(c, "format-number", qp(format="1"), 2, "format")
    case(c, "format-wrong", qp(format='"altdiff-qp/2"'), 2, "format")
    case(c, "format-null", qp(format="null"), 2, "format")
    case(c, "n-string", qp(n='"3"'), 2, "must be an integer")
    case(c, "n-bool", qp(n="true"), 2, "must be an integer")
    case(c, "n-null", qp(n="null"), 2, "must be an integer")
    case(c, "n-array", qp(n="[3]"), 2, "must be an integer")
    case(c, "n-object", qp(n="{}"), 2, "must be an integer")
    case(c, "name-number", qp(name="1"), 2, "name")
    case(c, "name-null", qp(name="null"), 2, "name")
    case(c, "q-string", qp(q='"1,2,3"'), 2, "q must be an array")
    case(c, "q-object", qp(q='{"a":1}'), 2, "q must be an array")
    case(c, "q-null", qp(q="null"), 2, "q must be an array")
    case(c, "q-entry-string", qp(q='[1,"2",3]'), 2, "q[1] must be a number")
    case(c, "q-entry-bool", qp(q="[1,true,3]"), 2, "q[1] must be a number")
    case(c, "q-entry-null", qp(q="[1,null,3]"), 2, "q[1] must be a number")
    case(c, "q-entry-object", qp(q="[1,{},3]"), 2, "q[1] must be a number")
    case(c, "p-string", qp(P='"I"'), 2, "P must be an array")
    case(c, "p-null", qp(P="null"), 2, "P must be an array")
    case(c, "p-entry-string", qp(P='[[1,0,0],[0,"1",0],[0,0,1]]'), 2, "P[1][1] must be a number")
    case(c, "p-row-null", qp(P="[[1,0,0],null,[0,0,1]]"), 2, "P row 1 must be an array")
    case(c, "p-row-number", qp(P="[[1,0,0],5,[0,0,1]]"), 2, "P row 1 must be an array")
    case(c, "a-bool", qp(A="true"), 2, "A must be an array")
    case(c, "b-object", qp(b='{"x":1}'), 2, "b must be an array")
    case(c, "h-string", qp(h='"0"'), 2, "h must be an array")
    case(c, "g-entry-array", qp(G="[[-1,0,[0]],[0,-1,0],[0,0,-1]]"), 2, "G[0][2] must be a number")
    case(c, "root-string", '"hello"', 2, "must hold a JSON object")
    case(c, "root-number", "42", 2, "must hold a JSON object")
    case(c, "root-null", "null", 2, "")
    case(c, "root-true", "true", 2, "must hold a JSON object")
    case(c, "root-empty-object", "{}", 2, "format")
    case(c, "unknown-key", qp(c="[1]"), 2, "unknown key")
    case(c, "unknown-key-case", qp(p="[[1]]"), 2, "unknown key")
    case(c, "unknown-key-long", qp(**{"x" * 1000: "1"}), 2, "unknown key")
    case(c, "objective-and-p", '{"format":"altdiff-qp/1","objective":{"type":"linear","q":[1]},"P":[[1]]}', 2,
         "unknown key")


def numerics():
    c = "numerics"
    for block, raw in (("q", "[{v},-0.3,0.4]"), ("P", "[[{v},0,0],[0,1,0],[0,0,1]]"), ("A", "[[{v},1,1]]"),
                       ("b", "[{v}]"), ("G", "[[{v},0,0],[0,-1,0],[0,0,-1]]"), ("h", "[{v},0,0]")):
        for label, v in (("nan", "NaN"), ("inf", "Infinity"), ("neginf", "-Infinity")):
            case(c, f"{block}-{label}", qp(**{block: raw.format(v=v)}), 2, "not finite")
        case(c, f"{block}-1e308", qp(**{block: raw.format(v="1e308")}), 2, "too large")
        case(c, f"{block}-overflow-literal", qp(**{block: raw.format(v="1e400")}), 2, "")
    case(c, "q-alternating-1e308", qp(q="[1e308,-1e308,1e308]"), 2, "q[0]")
    case(c, "q-1e200", qp(q="[1e200,0,0]"), 2, "too large")
    case(c, "q-1e150", qp(q="[1e150,0,0]"), None, "")
    case(c, "q-subnormal", qp(q="[4.9e-324,1e-310,0]"), 0, "solved")
    case(c, "q-underflow-literal", qp(q="[1e-400,0,0]"), 0, "solved")
    case(c, "q-negative-zero", qp(q="[-0.0,-0,0]"), 0, "solved")
    case(c, "p-asymmetric", qp(P="[[1,1,0],[0,1,0],[0,0,1]]"), 2, "not symmetric")
    case(c, "p-asymmetric-tiny", qp(P="[[1,1e-12,0],[0,1,0],[0,0,1]]"), 0, "solved")
    case(c, "p-indefinite", qp(P="[[1,0,0],[0,-1,0],[0,0,1]]"), 2, "")
    case(c, "p-negative-definite", qp(P="[[-1,0,0],[0,-1,0],[0,0,-1]]"), 2, "")
    case(c, "p-zero", qp(P="[[0,0,0],[0,0,0],[0,0,0]]"), 0, "solved")
    case(c, "p-huge-ratio", qp(P="[[1e100,0,0],[0,1e-100,0],[0,0,1]]"), None, "")
    case(c, "infeasible", qp(A="[[1,1,1],[1,1,1]]", b="[1,2]"), 3, "")
    case(c, "infeasible-bounds", qp(G="[[1,0,0],[-1,0,0]]", h="[-1,-1]"), 3, "primal_infeasible")
    case(c, "unbounded-lp", '{"format":"altdiff-qp/1","n":2,"q":[-1,0],"G":[[0,1]],"h":[1]}', 2, "positive definite")
    case(c, "lp-bounded", '{"format":"altdiff-qp/1","n":2,"q":[1,1],"G":[[-1,0],[0,-1]],"h":[0,0]}', 0, "solved")
    case(c, "tiny-entries", qp(P="[[1e-300,0,0],[0,1e-300,0],[0,0,1e-300]]"), None, "")
    case(c, "big-but-ok", qp(q="[1e100,1e100,1e100]"), None, "")
    case(c, "dependent-equalities", qp(A="[[1,1,1],[2,2,2]]", b="[1,2]"), 0, "solved")


def triplets():
    c = "triplets"
    ok = '{"rows":3,"cols":3,"i":[0,1,2],"j":[0,1,2],"x":[1,1,1]}'
    case(c, "p-ok", qp(P=ok), 0, "solved")
    case(c, "rows-int-max", qp(P='{"rows":2147483647,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P")
    case(c, "cols-int-max", qp(P='{"rows":3,"cols":2147483647,"i":[0],"j":[0],"x":[1]}'), 2, "P")
    case(c, "cols-1e9", qp(A='{"rows":1,"cols":1000000000,"i":[0],"j":[0],"x":[1]}'), 2, "A")
    case(c, "g-rows-int-max", qp(G='{"rows":2147483647,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "G")
    case(c, "g-cols-int-max", qp(G='{"rows":3,"cols":2147483647,"i":[0],"j":[0],"x":[1]}'), 2, "G")
    case(c, "rows-2^31", qp(P='{"rows":2147483648,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.rows")
    case(c, "rows-negative", qp(P='{"rows":-1,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.rows")
    case(c, "rows-float", qp(P='{"rows":3.5,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.rows")
    case(c, "rows-string", qp(P='{"rows":"3","cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.rows")
    case(c, "rows-missing", qp(P='{"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.rows")
    case(c, "cols-missing", qp(P='{"rows":3,"i":[0],"j":[0],"x":[1]}'), 2, "P.cols")
    case(c, "i-missing", qp(P='{"rows":3,"cols":3,"j":[0],"x":[1]}'), 2, "P.i")
    case(c, "j-missing", qp(P='{"rows":3,"cols":3,"i":[0],"x":[1]}'), 2, "P.j")
    case(c, "x-missing", qp(P='{"rows":3,"cols":3,"i":[0],"j":[0]}'), 2, "P.x")
    case(c, "unknown-key", qp(P='{"rows":3,"cols":3,"i":[0],"j":[0],"x":[1],"v":[1]}'), 2, "unknown key")
    case(c, "i-out-of-range", qp(P='{"rows":3,"cols":3,"i":[3],"j":[0],"x":[1]}'), 2, "outside")
    case(c, "j-out-of-range", qp(P='{"rows":3,"cols":3,"i":[0],"j":[5],"x":[1]}'), 2, "outside")
    case(c, "i-negative", qp(P='{"rows":3,"cols":3,"i":[-1],"j":[0],"x":[1]}'), 2, "outside")
    case(c, "i-int-max", qp(P='{"rows":3,"cols":3,"i":[2147483647],"j":[0],"x":[1]}'), 2, "outside")
    case(c, "i-2^31", qp(P='{"rows":3,"cols":3,"i":[2147483648],"j":[0],"x":[1]}'), 2, "P.i[0]")
    case(c, "i-float", qp(P='{"rows":3,"cols":3,"i":[0.5],"j":[0],"x":[1]}'), 2, "P.i[0]")
    case(c, "i-float-integral", qp(P='{"rows":3,"cols":3,"i":[1.0],"j":[0],"x":[1]}'), 2, "P.i[0]")
    case(c, "i-string", qp(P='{"rows":3,"cols":3,"i":["0"],"j":[0],"x":[1]}'), 2, "P.i[0]")
    case(c, "i-not-array", qp(P='{"rows":3,"cols":3,"i":0,"j":[0],"x":[1]}'), 2, "P.i")
    case(c, "length-mismatch", qp(P='{"rows":3,"cols":3,"i":[0,1],"j":[0],"x":[1]}'), 2, "same length")
    case(c, "x-nan", qp(P='{"rows":3,"cols":3,"i":[0],"j":[0],"x":[NaN]}'), 2, "not finite")
    case(c, "x-1e308", qp(P='{"rows":3,"cols":3,"i":[0],"j":[0],"x":[1e308]}'), 2, "too large")
    case(c, "x-string", qp(P='{"rows":3,"cols":3,"i":[0],"j":[0],"x":["1"]}'), 2, "P.x[0]")
    case(c, "duplicates-summed", qp(P='{"rows":3,"cols":3,"i":[0,0,1,2],"j":[0,0,1,2],"x":[0.5,0.5,1,1]}'), 0,
         "solved")
    case(c, "duplicates-overflow", qp(P='{"rows":3,"cols":3,"i":[0,0,1,2],"j":[0,0,1,2],"x":[1e150,1e150,1,1]}'),
         2, "positive definite")
    case(c, "empty", qp(P='{"rows":3,"cols":3,"i":[],"j":[],"x":[]}'), 0, "solved")
    case(c, "p-wrong-shape", qp(P='{"rows":2,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "P")
    case(c, "p-asymmetric", qp(P='{"rows":3,"cols":3,"i":[0,0,1,2],"j":[0,1,1,2],"x":[1,1,1,1]}'), 2,
         "not symmetric")
    case(c, "a-ok", qp(A='{"rows":1,"cols":3,"i":[0,0,0],"j":[0,1,2],"x":[1,1,1]}'), 0, "solved")
    case(c, "a-rows-vs-b", qp(A='{"rows":2,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "A is 2x3, expected 1x3")
    case(c, "a-cols-vs-n", qp(A='{"rows":1,"cols":4,"i":[0],"j":[0],"x":[1]}'), 2, "A")
    case(c, "g-ok", qp(G='{"rows":3,"cols":3,"i":[0,1,2],"j":[0,1,2],"x":[-1,-1,-1]}'), 0, "solved")
    case(c, "g-rows-1e9", qp(G='{"rows":1000000000,"cols":3,"i":[0],"j":[0],"x":[1]}'), 2, "G")
    case(c, "many-duplicates", qp(P='{"rows":3,"cols":3,"i":[' + ",".join(["0"] * 3000) + ',1,2],"j":['
                                   + ",".join(["0"] * 3000) + ',1,2],"x":[' + ",".join(["0.001"] * 3000)
                                   + ',1,1]}'), 0, "solved")
    case(c, "kkt-sparse", qp(P=ok), 2, "", "--method kkt")
    case(c, "forward-sparse", qp(P=ok), 2, "", "--mode forward")
    case(c, "polish-sparse", qp(P=ok), 0, "solved", "--polish")
    case(c, "nd4j-sparse", qp(P=ok), 2, "", "--backend nd4j")


def dx():
    c = "dx"
    case(c, "problem", SMALL, 0, "solved", "--dx ones")
    p = "@dx-problem.json"
    case(c, "missing", None, 2, "no such file", p + " --dx @dx-does-not-exist.json")
    case(c, "directory", None, 2, "not a regular file", p + " --dx @.")
    case(c, "dev-zero", None, 2, "not a regular file", p + " --dx /dev/zero", "child")
    case(c, "dev-urandom", None, 2, "not a regular file", p + " --dx /dev/urandom", "child")
    for name, text, frag in (("empty", "", "empty"), ("short", "[1,1]", "length"), ("long", "[1,1,1,1]", "length"),
                             ("nan", "[NaN,1,1]", "finite"), ("inf", "[Infinity,1,1]", "finite"),
                             ("string", '["1",1,1]', "v[0] must be a number"), ("object", '{"v":[1,1,1]}', "array"),
                             ("nested", "[[1],[1],[1]]", "v[0] must be a number"), ("null", "null", "array"),
                             ("number", "1", "array"), ("syntax", "[1,1,", "malformed JSON"),
                             ("bool", "[true,1,1]", "v[0] must be a number"), ("huge", "[1e308,1,1]", "too large"),
                             ("trailing", "[1,1,1] 2", "malformed JSON"), ("empty-array", "[]", "length"),
                             ("binary", "\u0000\u0001\u0002", "malformed JSON")):
        fname = f"dx-v-{name}.json"
        with open(os.path.join(CASES, fname), "w") as f:
            f.write(text)
        case(c, f"v-{name}", None, 2, frag, p + f" --dx @{fname}")
    case(c, "ones-uppercase", None, 2, "no such file", p + " --dx ONES")
    case(c, "empty-arg", None, 2, "", p + " --dx=")
    case(c, "kkt-ones", None, 0, "solved", p + " --dx ones --method kkt")
    case(c, "forward-ones", None, 0, "solved", p + " --dx ones --mode forward")
    case(c, "nd4j-ones", None, 0, "solved", p + " --dx ones --backend nd4j")
    case(c, "general-short", None, 2, "length", "@general-entropy.json --dx @dx-v-short.json")


def options():
    c = "options"
    p = "@dx-problem.json"
    bad = [("tol-negative", "--tol -1"), ("tol-nan", "--tol NaN"),
           ("tol-inf", "--tol Infinity"), ("tol-text", "--tol abc"), ("rho-zero", "--rho 0"),
           ("rho-negative", "--rho -1"), ("rho-nan", "--rho NaN"), ("rho-inf", "--rho Infinity"),
           ("rho-text", "--rho x"), ("max-iter-zero", "--max-iter 0"), ("max-iter-negative", "--max-iter -5"),
           ("max-iter-2^31", "--max-iter 2147483648"), ("max-iter-text", "--max-iter ten"),
           ("max-iter-float", "--max-iter 1.5"), ("scaling-negative", "--scaling -1"),
           ("scaling-text", "--scaling x"), ("scaling-2^31", "--scaling 2147483648"),
           ("backend-unknown", "--backend foo"), ("backend-empty", "--backend="), ("method-unknown", "--method foo"),
           ("mode-unknown", "--mode sideways"), ("mode-kkt", "--method kkt --mode forward"),
           ("mps-format-unknown", "--mps-format weird"), ("unknown-option", "--frobnicate"),
           ("missing-value", "--tol"), ("max-input-bytes-zero", "--max-input-bytes 0"),
           ("max-input-bytes-negative", "--max-input-bytes -1"), ("max-input-bytes-text", "--max-input-bytes lots"),
           ("extra-positional", "extra.json")]
    for name, args in bad:
        case(c, name, None, 2, "", p + " " + args)
    case(c, "no-file", None, 2, "FILE", "")
    case(c, "tol-zero", None, 2, "tolerance", p + " --tol 0 --max-iter 50")
    case(c, "scaling-int-max", None, 2, "scaling", p + " --scaling 2147483647")
    case(c, "scaling-large", None, 2, "scaling", p + " --scaling 1000000")
    case(c, "rho-1e308", None, 2, "rho must be in", p + " --rho 1e308")
    case(c, "rho-tiny", None, 2, "rho must be in", p + " --rho 1e-300")
    case(c, "tol-1e-300", None, None, "", p + " --tol 1e-300 --max-iter 100")
    case(c, "tol-huge", None, 2, "tolerance must be in", p + " --tol 1e300")
    case(c, "max-iter-int-max", None, 0, "solved", p + " --max-iter 2147483647")
    case(c, "max-iter-one", None, 3, "", p + " --max-iter 1")
    case(c, "max-iter-int-max-dx", None, 2, "max-iter", p + " --max-iter 2147483647 --dx ones")
    case(c, "scaling-ok", None, 0, "solved", p + " --scaling 10")
    case(c, "polish-adaptive", None, 0, "solved", p + " --polish --adaptive-rho")
    case(c, "repeated-tol", None, 2, "", p + " --tol 1e-6 --tol 1e-7")
    case(c, "mps-format-on-json", None, 0, "solved", p + " --mps-format fixed")
    case(c, "max-input-bytes-huge", None, 0, "solved", p + " --max-input-bytes 9223372036854775807")
    case(c, "max-input-bytes-2^63", None, 2, "", p + " --max-input-bytes 9223372036854775808")


def mps():
    c = "mps"
    head = "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1 c1 1\n y obj 1 c1 1\nRHS\n rhs c1 4\n"

    def m(name, text, exit_code, frag, args=""):
        case(c, name + ".mps", text, exit_code, frag, args)

    m("ok", head + "BOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "solved")
    m("lo-above-up", head + "BOUNDS\n LO bnd x 5\n UP bnd x 1\nENDATA\n", 3, "primal_infeasible")
    m("up-below-lo", head + "BOUNDS\n UP bnd x 1\n LO bnd x 5\nENDATA\n", 3, "primal_infeasible")
    m("fx-then-lo", head + "BOUNDS\n FX bnd x 1\n LO bnd x 5\nENDATA\n", 3, "primal_infeasible")
    m("up-negative", head + "BOUNDS\n UP bnd x -1\nENDATA\n", None, "")
    m("mi-up", head + "BOUNDS\n MI bnd x\n UP bnd x 3\n LO bnd y 0\nENDATA\n", None, "")
    m("fr", head + "BOUNDS\n FR bnd x\n FR bnd y\nENDATA\n", 2, "positive definite")
    m("pl", head + "BOUNDS\n PL bnd x\nENDATA\n", None, "")
    m("bv", head + "BOUNDS\n BV bnd x\nENDATA\n", None, "")
    m("li", head + "BOUNDS\n LI bnd x 1\nENDATA\n", None, "")
    m("sc", head + "BOUNDS\n SC bnd x 1\nENDATA\n", 2, "semi-continuous")
    m("unknown-bound", head + "BOUNDS\n XX bnd x 1\nENDATA\n", 2, "bound")
    m("bound-unknown-col", head + "BOUNDS\n LO bnd z 1\nENDATA\n", 2, "z")
    m("bound-bad-number", head + "BOUNDS\n LO bnd x abc\nENDATA\n", 2, "abc")
    m("bound-nan", head + "BOUNDS\n LO bnd x NaN\nENDATA\n", 2, "")
    m("bound-1e400", head + "BOUNDS\n UP bnd x 1e400\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "solved")
    m("bound-1e308", head + "BOUNDS\n LO bnd x -1e308\n LO bnd y 0\nENDATA\n", None, "")
    m("bound-missing-value", head + "BOUNDS\n LO bnd x\nENDATA\n", 2, "")
    m("no-endata", head + "BOUNDS\n LO bnd x 0\n", 2, "ENDATA")
    m("no-rows", "NAME T\nCOLUMNS\n x obj 1\nENDATA\n", 2, "")
    m("no-columns", "NAME T\nROWS\n N obj\nENDATA\n", 2, "")
    m("only-name", "NAME T\n", 2, "")
    m("only-endata", "ENDATA\n", 2, "")
    m("unknown-section", head + "FOO\nENDATA\n", 2, "FOO")
    m("qsection", head + "QSECTION\nENDATA\n", 2, "QSECTION")
    m("objsence", "NAME T\nOBJSENCE\n MAX\n" + head[7:] + "ENDATA\n", 2, "OBJSENSE")
    m("objsense-bad", "NAME T\nOBJSENSE\n SIDEWAYS\n" + head[7:] + "ENDATA\n", 2, "")
    m("duplicate-row", "NAME T\nROWS\n N obj\n L c1\n L c1\nCOLUMNS\n x obj 1 c1 1\nENDATA\n", 2, "duplicate")
    m("unknown-row-type", "NAME T\nROWS\n N obj\n Q c1\nCOLUMNS\n x obj 1\nENDATA\n", 2, "")
    m("column-unknown-row", "NAME T\nROWS\n N obj\nCOLUMNS\n x obj 1 c9 1\nENDATA\n", 2, "c9")
    m("column-bad-number", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj one\nENDATA\n", 2, "one")
    m("column-odd-fields", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1 c1\nENDATA\n", 2, "")
    m("column-nan", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj NaN c1 1\nRHS\n r c1 1\nENDATA\n", 2, "")
    m("column-1e308", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1e308 c1 1\n y obj -1e308 c1 1\nRHS\n"
      " r c1 1\nBOUNDS\n LO b x 0\n LO b y 0\nENDATA\n", 2, "infinite")
    m("duplicate-entry", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1 c1 1\n x c1 2\nENDATA\n", 2, "duplicate")
    m("rhs-unknown-row", head + "RHS\n rhs c7 1\nENDATA\n", 2, "")
    m("ranges-negative", head + "RANGES\n rng c1 -2\nBOUNDS\n LO b x 0\n LO b y 0\nENDATA\n", None, "")
    m("ranges-e-row", "NAME T\nROWS\n N obj\n E c1\nCOLUMNS\n x obj 1 c1 1\nRHS\n r c1 1\nRANGES\n rng c1 -2\n"
      "BOUNDS\n LO b x 0\nENDATA\n", 0, "solved")
    m("ranges-duplicate", head + "RANGES\n rng c1 1\n rng c1 2\nENDATA\n", 2, "duplicate")
    m("quadobj-ok", head + "QUADOBJ\n x x 2\n y y 2\nENDATA\n", 0, "solved")
    m("quadobj-unknown-col", head + "QUADOBJ\n x z 2\nENDATA\n", 2, "z")
    m("quadobj-indefinite", head + "QUADOBJ\n x x -2\n y y 2\nENDATA\n", 2, "")
    m("qmatrix-asymmetric", head + "QMATRIX\n x y 1\n y x 2\n x x 1\n y y 1\nENDATA\n", 2, "")
    m("quadobj-1e308", head + "QUADOBJ\n x x 1e308\nENDATA\n", 2, "infinite")
    m("too-many-fields", "NAME T\nROWS\n N obj extra words here\nCOLUMNS\n x obj 1\nENDATA\n", 2, "")
    m("tabs", "NAME\tT\nROWS\n\tN\tobj\n\tL\tc1\nCOLUMNS\n\tx\tobj\t1\tc1\t1\nRHS\n\trhs\tc1\t4\nBOUNDS\n"
      "\tLO\tb\tx\t0\nENDATA\n", None, "")
    m("crlf", (head + "BOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n").replace("\n", "\r\n"), 0, "solved")
    m("comments", "* comment\n" + head + "* another\nBOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "solved")
    m("marker-int", "NAME T\nROWS\n N obj\n L c1\nCOLUMNS\n M1 'MARKER' 'INTORG'\n x obj 1 c1 1\n"
      " M2 'MARKER' 'INTEND'\nRHS\n r c1 1\nENDATA\n", None, "")
    m("fixed-format", head + "BOUNDS\n LO bnd x 0\nENDATA\n", 2, "fixed-format", "--mps-format fixed")
    m("long-line", "NAME T\nROWS\n N " + "o" * 20000 + "\nCOLUMNS\n x obj 1\nENDATA\n", 2, "")
    m("empty-lines", "\n\n\n" + head + "\n\nBOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "")
    m("unbounded", "NAME T\nROWS\n N obj\nCOLUMNS\n x obj -1\nBOUNDS\n LO b x 0\nENDATA\n", 3, "dual_infeasible")
    m("infeasible", "NAME T\nROWS\n N obj\n G c1\nCOLUMNS\n x obj 1 c1 1\nRHS\n r c1 5\nBOUNDS\n UP b x 1\n"
      " LO b x 0\nENDATA\n", 3, "primal_infeasible")
    m("dx", head + "BOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "solved", "--dx ones")
    m("kkt", head + "BOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", None, "", "--method kkt --dx ones")
    m("nd4j", head + "BOUNDS\n LO bnd x 0\n LO bnd y 0\nENDATA\n", 0, "solved", "--backend nd4j")


def general():
    c = "general"
    g = '{"format":"altdiff-qp/1","objective":%s,"A":[[1,1,1]],"b":[1]}'
    case(c, "entropy", g % '{"type":"entropy","y":[1,2,0.5]}', 0, "solved")
    case(c, "entropy-1e308", g % '{"type":"entropy","y":[1e308,1,1]}', 2, "too large")
    case(c, "entropy-1e300", g % '{"type":"entropy","y":[1e300,1,1]}', 2, "too large")
    case(c, "entropy-700", g % '{"type":"entropy","y":[700,1,1]}', None, "")
    case(c, "entropy-1e5", g % '{"type":"entropy","y":[1e5,1,1]}', None, "")
    case(c, "entropy-neg-1e5", g % '{"type":"entropy","y":[-1e5,1,1]}', None, "")
    case(c, "entropy-neg-800", g % '{"type":"entropy","y":[-800,-800,-800]}', None, "")
    case(c, "entropy-nan", g % '{"type":"entropy","y":[NaN,1,1]}', 2, "not finite")
    case(c, "entropy-empty", g % '{"type":"entropy","y":[]}', 2, "")
    case(c, "entropy-missing-y", g % '{"type":"entropy"}', 2, "y is missing")
    case(c, "entropy-y-string", g % '{"type":"entropy","y":"1"}', 2, "must be an array")
    case(c, "entropy-extra-key", g % '{"type":"entropy","y":[1,1,1],"q":[1]}', 2, "unknown key")
    case(c, "type-missing", g % '{"y":[1,1,1]}', 2, "type")
    case(c, "type-unknown", g % '{"type":"cubic","y":[1,1,1]}', 2, "cubic")
    case(c, "type-number", g % '{"type":1}', 2, "type")
    case(c, "objective-array", g % "[1,2,3]", 2, "objective")
    case(c, "objective-null", g % "null", 2, "objective")
    case(c, "quadratic", g % '{"type":"quadratic","P":[[1,0,0],[0,1,0],[0,0,1]],"q":[1,0,0]}', 0, "solved")
    case(c, "quadratic-no-p", g % '{"type":"quadratic","q":[1,0,0]}', 2, "P is missing")
    case(c, "quadratic-asymmetric", g % '{"type":"quadratic","P":[[1,1,0],[0,1,0],[0,0,1]],"q":[1,0,0]}', 0, "solved")
    case(c, "quadratic-triplet", g % '{"type":"quadratic","P":{"rows":3,"cols":3,"i":[0],"j":[0],"x":[1]},'
         '"q":[1,0,0]}', 2, "")
    case(c, "linear", '{"format":"altdiff-qp/1","objective":{"type":"linear","q":[1,2,3]},"A":[[1,1,1]],"b":[1],'
         '"G":[[-1,0,0],[0,-1,0],[0,0,-1]],"h":[0,0,0]}', None, "")
    case(c, "linear-1e308", g % '{"type":"linear","q":[1e308,-1e308,1e308]}', 2, "too large")
    case(c, "softplus", g % '{"type":"softplus","c":[1,2,3]}', None, "")
    case(c, "softplus-1e308", g % '{"type":"softplus","c":[1e308,1,1]}', 2, "too large")
    case(c, "sum", g % '{"type":"sum","terms":[{"type":"entropy","y":[1,1,1]},{"type":"linear","q":[1,0,0],'
         '"weight":2}]}', 0, "solved")
    case(c, "sum-empty", g % '{"type":"sum","terms":[]}', 2, "terms")
    case(c, "sum-not-array", g % '{"type":"sum","terms":{}}', 2, "terms")
    case(c, "sum-weight-nan", g % '{"type":"sum","terms":[{"type":"entropy","y":[1,1,1],"weight":NaN}]}', 2, "")
    case(c, "sum-weight-negative", g % '{"type":"sum","terms":[{"type":"entropy","y":[1,1,1],"weight":-1}]}', 2,
         "")
    case(c, "sum-weight-string", g % '{"type":"sum","terms":[{"type":"entropy","y":[1,1,1],"weight":"2"}]}', 2,
         "weight")
    case(c, "sum-length-mismatch", g % '{"type":"sum","terms":[{"type":"entropy","y":[1,1,1]},'
         '{"type":"linear","q":[1,0]}]}', 2, "")
    case(c, "n-mismatch", '{"format":"altdiff-qp/1","n":4,"objective":{"type":"entropy","y":[1,1,1]}}', 2,
         "does not match")
    case(c, "n-string", '{"format":"altdiff-qp/1","n":"3","objective":{"type":"entropy","y":[1,1,1]}}', 2, "")
    case(c, "a-cols", g.replace("[[1,1,1]]", "[[1,1]]") % '{"type":"entropy","y":[1,1,1]}', 2, "A")
    case(c, "format-missing", '{"objective":{"type":"entropy","y":[1,1,1]}}', 2, "format")
    case(c, "polish", g % '{"type":"entropy","y":[1,1,1]}', 2, "--polish", "--polish")
    case(c, "adaptive", g % '{"type":"entropy","y":[1,1,1]}', 0, "solved", "--adaptive-rho")
    case(c, "scaling", g % '{"type":"entropy","y":[1,1,1]}', 0, "solved", "--scaling 3")
    case(c, "forward", g % '{"type":"entropy","y":[1,1,1]}', 2, "--mode", "--mode forward")
    case(c, "method-unknown", g % '{"type":"entropy","y":[1,1,1]}', 2, "", "--method foo")
    case(c, "kkt", g % '{"type":"entropy","y":[1,2,3]}', 0, "solved", "--method kkt --dx ones")
    case(c, "dx", g % '{"type":"entropy","y":[1,2,3]}', 0, "solved", "--dx ones")
    case(c, "nd4j", g % '{"type":"entropy","y":[1,2,3]}', 0, "solved", "--backend nd4j --dx ones")
    case(c, "infeasible", '{"format":"altdiff-qp/1","objective":{"type":"entropy","y":[1,1]},'
         '"A":[[1,1],[1,1]],"b":[1,2]}', 3, "", "--max-iter 200")
    case(c, "entropy-max-iter", None, 0, "solved", "@general-entropy.json --max-iter 100000")


def backends():
    """A selection of the cases above on nd4j and with --method kkt."""
    c = "backends"
    for backend_args, tag in (("--backend nd4j", "nd4j"), ("--method kkt", "kkt"),
                              ("--backend nd4j --method kkt", "nd4j-kkt"), ("--mode forward", "forward")):
        for src, exit_code, frag in (("dx-problem.json", 0, "solved"),
                                     ("numerics-q-1e308.json", 2, "too large"),
                                     ("numerics-p-indefinite.json", 2, ""),
                                     ("numerics-infeasible-bounds.json", 3, ""),
                                     ("numerics-unbounded-lp.json", 2, "positive definite"),
                                     ("dimensions-q-short.json", 2, "q has length 2"),
                                     ("numerics-dependent-equalities.json", None, ""),
                                     ("numerics-p-zero.json", None, "")):
            case(c, f"{tag}-{src[:-5]}", None, exit_code, frag, f"@{src} {backend_args} --dx ones")
    case(c, "nd4j-n-46341-dense-row", None, 2, "too_large", "{gen:dense-row:46341} --backend nd4j", "child")
    case(c, "kkt-big", None, 2, "too_large", "{gen:dense-row:20000} --method kkt", "child")


def main():
    if os.path.isdir(CASES):
        shutil.rmtree(CASES)
    os.makedirs(CASES)
    os.makedirs(os.path.join(CASES, "dir.mps"))
    with open(os.path.join(CASES, "dir.mps", "README"), "w") as f:
        f.write("a directory whose name ends in .mps (case files/directory-mps)\n")
    for gen in (files, syntax, nesting, dimensions, types, numerics, triplets, dx, options, mps, general, backends):
        gen()
    with open(os.path.join(ROOT, "manifest.tsv"), "w") as f:
        f.write("# id\tcategory\texit\tfragment\twhere\targs   (written by scripts/fuzz-corpus.py; exit - = 0 or 3)\n")
        for r in rows:
            f.write(r.replace("\tNone\t", "\t-\t") + "\n")
    print(len(rows), "cases")


if __name__ == "__main__":
    main()
