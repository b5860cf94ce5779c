#!/usr/bin/env python3
"""`herald products import|list|show` and `herald recommend` through the real
binary: five contacts, their purchases and a four-product catalog imported
with the real import commands, the scores computed by hand, and the message
of every user error."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
NOW = "2025-06-01T12:00:00Z"

CONTACTS = """\
external_id,email,first_name
C1,ann@example.com,Ann
C2,bob@example.com,Bob
C3,cho@example.com,Cho
C4,dee@example.com,Dee
C5,eve@example.com,Eve
"""

# Baskets: C1 {A, B}, C2 {A, B, C}, C3 {A, C}, C4 {B, D} (D as a single
# product_id), C5 nothing. N: A 3, B 3, C 2, D 1.
#   sim(A,B) = 2/sqrt(9) = 0.6667   sim(A,C) = 2/sqrt(6) = 0.8165
#   sim(B,C) = 1/sqrt(6) = 0.4082   sim(B,D) = 1/sqrt(3) = 0.5774
EVENTS = """\
event_id,external_id,type,at,amount,items,product_id
E1,C1,purchase,2025-05-20T10:00:00Z,30,A|B,
E2,C1,purchase,2025-05-21T10:00:00Z,10,A,
E3,C2,purchase,2025-05-22T10:00:00Z,60,A|B|C,
E4,C3,purchase,2025-05-10T10:00:00Z,20,C,
E5,C3,purchase,2025-05-23T10:00:00Z,10,A,
E6,C4,purchase,2025-05-24T10:00:00Z,40,B,D
E7,C5,view,2025-05-24T10:00:00Z,,,A
"""

PRODUCTS = """\
id,name,url,image,price,currency,category,brand
A,Trail Shoes,https://shop.example.com/p/A,https://shop.example.com/i/A.jpg,129,usd,running,Juniper
B,Running Socks,https://shop.example.com/p/B,,9.5,USD,running,
C,"Tent, 2 people",https://shop.example.com/p/C,,199.99,EUR,outdoors,Kestrel
D,Headlamp,https://shop.example.com/p/D,,29,USD,outdoors,Acme
"""


class RecommendCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="herald-recommend-")
        cls.dir = cls.tmp.name
        cls.db = os.path.join(cls.dir, "herald.db")
        for name, text in (("contacts.csv", CONTACTS), ("events.csv", EVENTS),
                           ("products.csv", PRODUCTS)):
            cls.write(name, text)
        for what in ("contacts", "events"):
            r = cls.run_herald(what, "import", os.path.join(cls.dir, what + ".csv"))
            assert r.returncode == 0, r.stdout + r.stderr
        r = cls.run_herald("products", "import", "products.csv")
        assert r.returncode == 0, r.stdout + r.stderr
        cls.first_import = r.stdout

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    @classmethod
    def run_herald(cls, *args, db=None):
        return subprocess.run([HERALD, "--db", db or cls.db, "--now", NOW, *args],
                              capture_output=True, text=True, cwd=cls.dir, timeout=60)

    def ok(self, *args):
        r = self.run_herald(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def error(self, code, *args, db=None):
        r = self.run_herald(*args, db=db)
        self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        return r.stderr

    def products_in(self, db):
        with sqlite3.connect(db) as c:
            return [r[0] for r in c.execute("SELECT id FROM products ORDER BY id")]

    def fresh_db(self, name):
        """An empty database (an empty file is one to SQLite): the tests are
        about each command's own messages, not "created new database"."""
        path = os.path.join(self.dir, name)
        if os.path.exists(path):
            os.remove(path)
        open(path, "w").close()
        return path

    # ---- products import ----

    def test_import_reports_what_it_stored(self):
        self.assertRegex(self.first_import,
                         r"^imported 4 products \(4 new, 0 updated\) in \d+\.\d+ s\n$")
        again = self.ok("products", "import", "products.csv")
        self.assertRegex(again, r"^imported 4 products \(0 new, 4 updated\) in \d+\.\d+ s\n$")

    def test_show_prints_every_field_and_the_other_columns_as_attributes(self):
        out = self.ok("products", "show", "C")
        self.assertIn("product C\n", out)
        self.assertIn("  name       Tent, 2 people\n", out)
        self.assertIn("  url        https://shop.example.com/p/C\n", out)
        self.assertIn("  price      199.99 EUR\n", out)
        self.assertIn("  category   outdoors\n", out)
        self.assertIn('attributes\n  brand: "Kestrel"\n', out)
        j = json.loads(self.ok("products", "show", "A", "--json"))
        self.assertEqual(j["currency"], "USD")  # upper-cased
        self.assertEqual(j["price"], 129)
        self.assertEqual(j["image"], "https://shop.example.com/i/A.jpg")
        self.assertEqual(j["attributes"], {"brand": "Juniper"})
        b = json.loads(self.ok("products", "show", "B", "--json"))
        self.assertIsNone(b["image"])
        self.assertEqual(b["attributes"], {})  # an empty cell is no attribute

    def test_list_in_id_order_with_a_limit(self):
        out = self.ok("products", "list")
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "NAME", "PRICE", "CATEGORY", "URL"])
        self.assertEqual([l.split()[0] for l in lines[1:5]], ["A", "B", "C", "D"])
        self.assertIn("129.00 USD", lines[1])
        self.assertEqual(lines[5], "4 products")
        out = self.ok("products", "list", "--limit", "2")
        self.assertEqual(out.splitlines()[-1], "2 of 4 products (--limit 0 lists them all)")
        j = json.loads(self.ok("products", "list", "--json", "--limit", "0"))
        self.assertEqual([p["id"] for p in j], ["A", "B", "C", "D"])
        self.assertEqual(j[2]["name"], "Tent, 2 people")
        self.assertRegex(j[0]["updated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_list_of_an_empty_catalog_says_how_to_import_one(self):
        db = self.fresh_db("empty.db")
        r = self.run_herald("products", "list", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "the catalog is empty: import it with 'herald products import "
                                   "FILE' (docs/import.md, \"Products\")\n")

    def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_imported(self):
        self.write("bad.csv",
                   "id,name,url,image,price,currency,size:number\n"
                   "X1,Good,https://s.example.com/x1,,10,usd,3\n"
                   ",No id,,,,,\n"
                   "X2,Bad,shop/x2,,abc,dollars,big\n"
                   "X3,Worse,,ftp://x,-1,,\n"
                   "X4,Short\n")
        db = self.fresh_db("bad.db")
        err = self.error(1, "products", "import", "bad.csv", db=db)
        self.assertEqual(err, (
            "bad.csv:3:1: error: the row has no product id ('id'): every product needs one\n"
            "bad.csv:4:3: error: column 'url': 'shop/x2' is not an http(s) address: write the "
            "full address, e.g. https://shop.example.com/p/P0001\n"
            "bad.csv:4:5: error: column 'price': 'abc' is not a number: write the price like "
            "19.99, with '.' as the decimal separator and no currency sign\n"
            "bad.csv:4:6: error: column 'currency': 'dollars' is not a currency code: write the "
            "three-letter ISO 4217 code, e.g. USD, EUR, GBP\n"
            "bad.csv:4:7: error: column 'size:number': 'big' is not a number\n"
            "bad.csv:5:4: error: column 'image': 'ftp://x' is not an http(s) address: write the "
            "full address, e.g. https://shop.example.com/p/P0001\n"
            "bad.csv:5:5: error: column 'price': '-1' is negative: a price is 0 or more\n"
            "bad.csv:6:3: error: the row has 2 columns but the header has 7 (it ends before "
            "'url'; a missing comma, or an unquoted line break?)\n"
            "bad.csv: 4 invalid rows of 5 rows; nothing was imported. Fix them, or run again "
            "with --skip-invalid to import the 1 valid row.\n"))
        self.assertEqual(self.products_in(db), [])

    def test_skip_invalid_imports_the_good_rows_and_dry_run_writes_nothing(self):
        self.write("mixed.csv", "product_id,price\nY1,5\nY2,five\n")
        db = self.fresh_db("mixed.db")
        r = self.run_herald("products", "import", "mixed.csv", "--skip-invalid", "--dry-run",
                            db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "mixed.csv:3:2: warning: row skipped: column 'price': 'five' "
                                   "is not a number: write the price like 19.99, with '.' as "
                                   "the decimal separator and no currency sign\n")
        self.assertRegex(r.stdout, r"^checked 1 product \(1 new, 0 updated\) in \d+\.\d+ s; "
                                   r"skipped 1 invalid row \(listed above\): nothing was "
                                   r"written \(--dry-run\)\n$")
        self.assertEqual(self.products_in(db), [])
        r = self.run_herald("products", "import", "mixed.csv", "--skip-invalid", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.products_in(db), ["Y1"])

    def test_header_problems_stop_the_import(self):
        cases = {
            "noid.csv": ("name,price\nx,1\n",
                         "noid.csv:1: error: the header has no 'id' column (or 'product_id'): "
                         "each product needs the id its purchase events name it by\n"),
            "type.csv": ("id,size:numbr,product_id\n",
                         "type.csv:1:2: error: unknown type 'numbr' in column 'size:numbr' "
                         "(known types: string, number, date, boolean, tags; write NAME:TYPE, "
                         "e.g. age:number)\n"
                         "type.csv:1:3: error: column 'product_id' repeats column 1 ('id')\n"),
            "price.csv": ("id,price:date\n",
                          "price.csv:1:2: error: column 'price:date': 'price' is a number and "
                          "cannot take the type date\n"),
            "empty.csv": ("", "empty.csv:1: error: the file is empty: the first row must name "
                              "the columns (id, name, ...)\n"),
        }
        for name, (text, message) in cases.items():
            with self.subTest(name):
                self.write(name, text)
                err = self.error(1, "products", "import", name, db=self.fresh_db("h.db"))
                self.assertEqual(err, message + name + ": nothing was imported\n")
        err = self.error(1, "products", "import", "missing.csv")
        self.assertEqual(err, "missing.csv: error: cannot open the file: No such file or "
                              "directory\nmissing.csv: nothing was imported\n")

    def test_json_lines_products(self):
        self.write("p.jsonl",
                   '{"id":"J1","price":"abc","name":5}\n'
                   "{bad\n"
                   "[1]\n"
                   '{"name":"no id"}\n'
                   '{"id":"J2","price":12.5,"url":"https://s.example.com/j2","color":"red",'
                   '"attributes":{"size":"M"}}\n'
                   '{"product_id":7,"currency":"gbp"}\n')
        db = self.fresh_db("j.db")
        err = self.error(1, "products", "import", "p.jsonl", db=db)
        self.assertEqual(err, (
            "p.jsonl:1:12: error: field 'price': 'abc' is not a number: write the price like "
            "19.99, with '.' as the decimal separator and no currency sign\n"
            "p.jsonl:1:26: error: field 'name': expected a string, found '5'\n"
            "p.jsonl:2:2: error: not valid JSON: syntax error while parsing object key - invalid "
            "literal; last read: '{b'; expected string literal\n"
            "p.jsonl:3:1: error: each line must be a JSON object ({\"id\": ..., \"name\": ...})\n"
            "p.jsonl:4:1: error: the line has no product id (\"id\"): every product needs one\n"
            "p.jsonl: 4 invalid rows of 6 rows; nothing was imported. Fix them, or run again "
            "with --skip-invalid to import the 2 valid rows.\n"))
        r = self.run_herald("products", "import", "p.jsonl", "--skip-invalid", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.products_in(db), ["7", "J2"])
        j = json.loads(self.run_herald("products", "show", "J2", "--json", db=db).stdout)
        self.assertEqual(j["attributes"], {"color": "red", "size": "M"})
        self.assertEqual(j["price"], 12.5)

    def test_show_an_unknown_product(self):
        err = self.error(1, "products", "show", "AA")
        self.assertEqual(err, "herald: error: no product with id 'AA' in the catalog (4 "
                              "products) (did you mean 'A'?); 'herald products list' shows "
                              "them\n")

    def test_list_limit_must_not_be_negative(self):
        err = self.error(2, "products", "list", "--limit", "-1")
        self.assertIn("--limit: Value -1 not in range 0 to 1000000000", err)

    # ---- recommend ----

    def test_recommend_sums_cosine_similarities_over_the_basket(self):
        out = self.ok("recommend", "ext:C1")
        lines = out.splitlines()
        self.assertEqual(lines[0], "contact 1 (external id C1): 2 recommendations")
        self.assertRegex(lines[1], r"^  1\. C +Tent, 2 people +199\.99 EUR +also-bought +score "
                                   r"1\.2247  \(bought with A Trail Shoes\)$")
        self.assertEqual(lines[2], "     https://shop.example.com/p/C")
        self.assertRegex(lines[3], r"^  2\. D +Headlamp +29\.00 USD +also-bought +score 0\.5774"
                                   r"  \(bought with B Running Socks\)$")
        self.assertEqual(lines[5], "based on 2 products bought: A Trail Shoes, B Running Socks")
        self.assertRegex(lines[6], r"^model: 6 purchases by 4 customers, 4 products \(4 in the "
                                   r"catalog\), built in \d+\.\d\d s$")

    def test_recommend_json_names_the_basket_and_fills_with_best_sellers(self):
        j = json.loads(self.ok("recommend", "cho@example.com", "--json"))
        self.assertEqual(j["contact"], {"id": 3, "external_id": "C3"})
        recs = j["recommendations"]
        self.assertEqual([(r["id"], r["score"], r["reason"]) for r in recs],
                         [("B", 1.0749, "also-bought"), ("D", 0.25, "best-seller")])
        self.assertEqual(recs[0]["bought_with"], "A")
        self.assertNotIn("bought_with", recs[1])
        self.assertEqual(recs[0]["name"], "Running Socks")
        self.assertEqual(recs[0]["url"], "https://shop.example.com/p/B")
        self.assertEqual(recs[0]["price"], 9.5)
        self.assertEqual([p["id"] for p in j["based_on"]], ["A", "C"])
        self.assertEqual(j["model"], {"purchases": 6, "customers": 4, "products": 4,
                                      "catalog": 4})

    def test_a_contact_without_purchases_gets_best_sellers(self):
        out = self.ok("recommend", "5", "--count", "4")
        lines = out.splitlines()
        self.assertEqual(lines[0], "contact 5 (external id C5): 4 recommendations")
        ids = [l.split()[1] for l in lines[1:] if l.startswith("  ") and l[2].isdigit()]
        self.assertEqual(ids, ["A", "B", "C", "D"])  # 3, 3, 2, 1 customers; A/B by id
        self.assertIn("best-seller  score 0.7500", lines[1])
        self.assertIn("based on: no purchases by this contact, so these are best sellers "
                      "(most customers in the last 90 days of purchases)", out)

    def test_a_store_without_purchases_has_nothing_to_recommend(self):
        db = self.fresh_db("nopurchase.db")
        r = self.run_herald("contacts", "import", "contacts.csv", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_herald("recommend", "ext:C1", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[:3], [
            "contact 1 (external id C1): 0 recommendations",
            "  (none: nobody has bought anything yet, so there are no best sellers)",
            "based on: no purchases by this contact"])

    def test_recommend_errors(self):
        self.assertEqual(self.error(1, "recommend", "99"),
                         "herald: error: no contact with id 99 (or it was erased)\n")
        self.assertEqual(self.error(1, "recommend", "ext:C9"),
                         "herald: error: no contact with external id 'C9' (or it was erased)\n")
        self.assertEqual(self.error(2, "recommend", "somebody"),
                         "herald: error: 'somebody' does not name a contact: write its numeric "
                         "id (42), ext:EXTERNAL_ID or its email address\n")
        self.assertEqual(self.error(2, "recommend", "a@b"),
                         "herald: error: 'a@b' is not a valid email address; name the contact "
                         "by its numeric id (42), ext:EXTERNAL_ID or its email address\n")
        self.assertIn("--count: Value 0 not in range 1 to 100",
                      self.error(2, "recommend", "1", "--count", "0"))

    def test_without_a_catalog_products_are_named_by_id_and_a_note_says_so(self):
        db = self.fresh_db("nocatalog.db")
        for what in ("contacts", "events"):
            r = self.run_herald(what, "import", what + ".csv", db=db)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_herald("recommend", "ext:C4", db=db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "note: the product catalog is empty, so products are named "
                                   "by id only; import it with 'herald products import FILE'\n")
        self.assertRegex(r.stdout.splitlines()[1], r"^  1\. A +also-bought +score 0\.6667  "
                                                   r"\(bought with B\)$")


if __name__ == "__main__":
    unittest.main()
