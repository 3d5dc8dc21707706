"""Writes tests/data/csv/nasty/*: the seed corpus of fuzz_read_csv and the inputs
of test_io_csv's corpus regression test (each must parse or throw tessera::error,
and keep the properties of tests/fuzz/csv_fuzz_case.hpp).

Each file is two option bytes (see csv_fuzz_case.hpp: options_of) then the CSV
text. Byte 0: bits 0-1 delimiter (, ; tab |), bit 2 quote ' instead of ",
bit 3 no header, bit 4 quoted_nulls, bit 5 keep blank lines, bit 6 collect.
Byte 1: bits 0-1 infer_rows (0: all, else 2*k), bit 2 schema for column 0,
bits 3-5 its type (float64 float32 int64 bool categorical timestamp),
bits 6-7 chunk_bytes = 1 + 7*k.
Files named crash-* / finding-* are inputs the fuzzer found (kept as regressions).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECT = 64
cases = {
    "empty": (0, 0, b""),
    "only_bom": (0, 0, b"\xef\xbb\xbf"),
    "only_newlines": (0, 0, b"\n\r\n\r\n"),
    "header_only": (0, 0, b"a,b,c\n"),
    "header_no_newline": (0, 0, b"a,b"),
    "unterminated_quote": (0, 0, b'a,b\n1,"abc\n2,3\n'),
    "unterminated_quote_collect": (COLLECT, 0, b'a,b\n1,2\n"x,3\n4,5\n'),
    "unterminated_header": (0, 0, b'"a,b\n1,2\n'),
    "text_after_quote": (COLLECT, 0, b'a,b\n"x"y,1\n"ok",2\n'),
    "doubled_quotes": (0, 0, b'a\n""""\n"a""b"\n""""""\n'),
    "newline_in_quotes": (0, 0x40, b'a,b\n"1\n2",3\n"4\r\n5",6\n'),
    "cr_only": (0, 0, b"a,b\r1,2\r3,4\r"),
    "mixed_line_ends": (0, 0xC0, b"a,b\r\n1,2\n3,4\r5,6"),
    "wrong_field_count": (COLLECT, 0x40, b"a,b,c\n1,2\n1,2,3\n1,2,3,4\n,,\n"),
    "invalid_utf8": (COLLECT, 0, b"a,b\nx\xff,1\n\xc3\xa9,2\n\xed\xa0\x80,3\n\xf4\x90\x80\x80,4\n"),
    "invalid_utf8_header": (0, 0, b"a\xfe,b\n1,2\n"),
    "overlong_utf8": (COLLECT, 0, b"s\n\xc0\xaf\n\xe0\x80\xaf\nok\n"),
    "int_overflow": (0, 0, b"a\n9223372036854775807\n-9223372036854775808\n9223372036854775808\n"),
    "int_then_float": (0, 0x01, b"a,b\n1,x\n2,y\n3,z\n4.5,w\n"),
    "int_then_text": (COLLECT, 0x01, b"a\n1\n2\n3\nabc\n"),
    "schema_int_bad": (COLLECT, 0x04 | (2 << 3), b"a,b\n1,2\nx,3\n4,5\n"),
    "schema_float32": (0, 0x04 | (1 << 3), b"a\n1e39\n3.4028235e38\n-0\n"),
    "schema_timestamp": (COLLECT, 0x04 | (5 << 3), b"a\n2020-02-29\n2021-02-29\n1677-09-21T00:12:43.145224192Z\n2262-04-11T23:47:16.854775808Z\n"),
    "timestamps": (0, 0, b"t\n2020-01-01T00:00:00.123456789123Z\n1999-12-31 23:59:59+05:30\n2000-01-01T00:00-0100\n"),
    "bools": (0, 0, b"b\ntrue\nFALSE\nTrue\n\n"),
    "all_null_column": (0, 0x01, b"a,b\n,1\nNA,2\nnull,3\nx,4\n"),
    "null_tokens_quoted": (16, 0, b'a,b\n"NA",1\n"",2\nNA,3\n'),
    "floats_edge": (0, 0, b"x\ninf\n-inf\nnan\n1e308\n1e309\n4.9e-324\n1e-400\n0x1p3\n.5\n5.\n+1\n-0\n"),
    "long_digits": (0, 0, b"x\n0.000000000000000000000000000001234567890123456789\n123456789012345678901234567890\n"),
    "spaces": (0, 0, b"a,b\n 1 , 2\n\t3\t,4 \n"),
    "tab_delimited": (2, 0, b"a\tb\n1\t2\n\"x\ty\"\t3\n"),
    "single_quote": (4, 0, b"a,b\n'x,y',1\n'it''s',2\n"),
    "no_header": (8, 0, b"1,2\n3,4\n"),
    "no_header_ragged": (8 | COLLECT, 0, b"1,2\n3\n4,5,6\n"),
    "blank_lines_kept": (32 | COLLECT, 0, b"a\n1\n\n2\n"),
    "duplicate_header": (0, 0, b"a,a\n1,2\n"),
    "empty_header_names": (0, 0, b",\n1,2\n"),
    "quote_mid_field": (0, 0x40, b'a,b\nx"y,1\n"z\n",2\n'),
    "quote_parity_trap": (0, 0x40, b'a,b\nx",1\n"p\nq",2\n3,4\n'),
    "nul_bytes": (COLLECT, 0, b"a,b\n\x00,1\n2,\x00\n"),
    "many_columns": (0, 0, (",".join("c%d" % i for i in range(300)) + "\n" + ",".join(str(i) for i in range(300)) + "\n").encode()),
    "categories": (0, 0x40, b"s\nb\na\nb\n\nc\na\n"),
    "bom_then_quotes": (0, 0, b'\xef\xbb\xbf"a"\n"1"\n'),
}

os.makedirs(os.path.join(HERE, "nasty"), exist_ok=True)
for name, (a, b, text) in cases.items():
    with open(os.path.join(HERE, "nasty", name + ".bin"), "wb") as f:
        f.write(bytes([a, b]) + text)
print(len(cases), "files")
