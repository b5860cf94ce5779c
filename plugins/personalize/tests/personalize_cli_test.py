#!/usr/bin/env python3
"""`uses: personalize` in a journey, run by the real binary: contacts,
purchase events and a product catalog imported into a real SQLite store
(`herald products import`), a personalize step that picks a content block
and values by segment rules and adds recommendations, and an outbox.email
whose Liquid reads them (`{{ vars.hero | raw }}`, `{{ vars.discount }}`,
`{% for p in vars.picks %}`). The .eml files must hold exactly what each
contact should get, the recommendations must be the ones `herald recommend`
gives, and a mistake in the step's config is a validate error at
FILE:LINE:COL."""
import email
import email.policy
import email.utils
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "integration", "engine"))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

NOW = "2026-03-01T12:00:00Z"

# Ann is a VIP with a name that needs escaping in HTML; Bob bought often
# lately; Cy bought once; Di never bought (best sellers).
CONTACTS = """\
external_id,email,first_name,tags,consent_email
c1,ann@example.com,ann & <co>,vip,yes
c2,bob@example.com,bob,,yes
c3,cy@example.com,Cy,,yes
c4,di@example.com,,,yes
"""

PRODUCTS = """\
id,name,url,image,price,currency
P1,Tea Mug,https://shop.example/p/P1,https://shop.example/i/P1.jpg,12.5,EUR
P2,Teapot,https://shop.example/p/P2,https://shop.example/i/P2.jpg,39,EUR
P3,Green Tea,https://shop.example/p/P3,https://shop.example/i/P3.jpg,8.9,EUR
P4,Tea Towel,https://shop.example/p/P4,https://shop.example/i/P4.jpg,6,EUR
P5,Kettle,https://shop.example/p/P5,https://shop.example/i/P5.jpg,59,EUR
"""

PURCHASES = [
    ("e1", "c1", "2026-02-01T10:00:00Z", ["P1", "P2"]),
    ("e2", "c2", "2026-02-10T10:00:00Z", ["P1", "P3"]),
    ("e3", "c2", "2026-02-20T10:00:00Z", ["P2"]),
    ("e4", "c2", "2026-02-25T10:00:00Z", ["P4"]),
    ("e5", "c3", "2026-02-15T10:00:00Z", ["P2", "P3"]),
    ("e6", "c3", "2025-06-01T10:00:00Z", ["P5"]),
]

WORKFLOW = """\
name: personalized-offer
trigger: {type: manual}
steps:
  - id: personalize
    uses: personalize
    with:
      blocks:
        hero:
          - when: {tags: {has: vip}}
            content: "<h2>Thank you, {{ contact.first_name | default: 'friend' }}</h2>"
          - content: "<h2>New this week</h2>"
      values:
        discount:
          - when: {tags: {has: vip}}
            value: 20
          - when: {event: purchase, within: 30d, count: {at_least: 2}}
            value: 15
          - value: 10
        greeting: [{value: "{{ contact.first_name | default: 'there' | capitalize }}"}]
      recommendations: {count: 3, as: picks}
  - id: offer
    uses: outbox.email
    with:
      from: "Northwind <hello@northwind.example>"
      subject: "{{ vars.greeting }}, {{ vars.discount }}% off for you"
      text: "Hi {{ vars.greeting }}: {{ vars.discount }}% off.{% for p in vars.picks %} {{ p.name }}{% endfor %}"
      html: |
        {{ vars.hero | raw }}
        <p>Your code gives {{ vars.discount }}% off.</p>
        <ul>{% for p in vars.picks %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>
"""

BAD = """\
name: bad-personalize
trigger: {type: manual}
steps:
  - id: personalize
    uses: personalize
    with:
      values:
        discount:
          - value: 10
          - when: {tags: {has: vip}}
            value: 20
        2nd: [{value: 1}]
      blocks:
        hero:
          - when: {tags: {hass: vip}}
            content: "<p>Hi</p>"
      recommendations: {as: discount}
"""

BAD_TEMPLATES = """\
name: bad-templates
trigger: {type: manual}
steps:
  - id: personalize
    uses: personalize
    with:
      blocks:
        hero:
          - content: "<p>{{ contact.first_name }</p>"
      values:
        greeting:
          - value: "{{ contact.frist_name }}"
"""


def line_col(text, needle, occurrence=1):
    """1-based line and column of the `occurrence`-th `needle` in `text`."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


class Personalize(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sb = Sandbox(HERALD, PLUGIN_DIR)
        sb = cls.sb
        events = "\n".join(
            json.dumps({"event_id": eid, "external_id": who, "type": "purchase", "at": at,
                        "properties": {"items": items}})
            for eid, who, at, items in PURCHASES) + "\n"
        for kind, name, text in (("contacts", "contacts.csv", CONTACTS),
                                 ("products", "products.csv", PRODUCTS),
                                 ("events", "events.jsonl", events)):
            r = sb.herald(kind, "import", sb.write(name, text), now=NOW)
            if r.returncode != 0:
                raise RuntimeError(f"{kind} import failed: {r.stdout}{r.stderr}")
        path = sb.write("offer.yaml", WORKFLOW)
        cls.result = sb.herald("run", path, "--json", now=NOW)
        cls.messages = {}
        for name in sb.outbox_files():
            with open(os.path.join(sb.outbox, "new", name), "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            cls.messages[email.utils.parseaddr(str(msg["To"]))[1]] = msg

    @classmethod
    def tearDownClass(cls):
        cls.sb.cleanup()

    def recommended(self, who):
        r = self.sb.herald("recommend", who, "--count", "3", "--json", now=NOW)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)["recommendations"]

    def html(self, to):
        msg = self.messages[to]
        return msg.get_body(preferencelist=("html",)).get_content()

    def text(self, to):
        return self.messages[to].get_body(preferencelist=("plain",)).get_content()

    def test_the_run_sends_one_email_per_contact(self):
        self.assertEqual(self.result.returncode, 0, self.result.stdout + self.result.stderr)
        rep = json.loads(self.result.stdout)
        self.assertEqual(rep["enrolled_now"], 4)
        self.assertEqual(sorted(self.messages),
                         ["ann@example.com", "bob@example.com", "cy@example.com",
                          "di@example.com"])

    def test_the_vip_gets_the_thank_you_block_escaped_and_her_discount(self):
        html = self.html("ann@example.com")
        # The block is an HTML template: the name is escaped inside it, and
        # `raw` puts the block itself in the email unescaped.
        self.assertIn("<h2>Thank you, ann &amp; &lt;co&gt;</h2>", html)
        self.assertIn("<p>Your code gives 20% off.</p>", html)
        self.assertEqual(str(self.messages["ann@example.com"]["Subject"]),
                         "Ann & <co>, 20% off for you")

    def test_the_others_get_the_fallback_block_and_values_by_rule(self):
        for to, discount, greeting in (("bob@example.com", 15, "Bob"),
                                       ("cy@example.com", 10, "Cy"),
                                       ("di@example.com", 10, "There")):
            with self.subTest(to=to):
                html = self.html(to)
                self.assertIn("<h2>New this week</h2>", html)
                self.assertNotIn("Thank you", html)
                self.assertIn(f"<p>Your code gives {discount}% off.</p>", html)
                self.assertEqual(str(self.messages[to]["Subject"]),
                                 f"{greeting}, {discount}% off for you")

    def test_recommendations_are_the_ones_herald_recommend_gives(self):
        bought = {"ann@example.com": {"P1", "P2"}, "bob@example.com": {"P1", "P2", "P3", "P4"},
                  "cy@example.com": {"P2", "P3", "P5"}, "di@example.com": set()}
        for to in sorted(bought):
            with self.subTest(to=to):
                picks = self.recommended(to)
                self.assertTrue(picks, f"herald recommend gave {to} nothing")
                self.assertLessEqual(len(picks), 3)
                items = "".join(
                    f'<li><a href="{p["url"]}">{p["name"]}</a></li>'
                    for p in picks)
                self.assertIn(f"<ul>{items}</ul>", self.html(to))
                self.assertTrue(self.text(to).rstrip().endswith(
                    " ".join(p["name"] for p in picks)))
                if bought[to]:
                    self.assertFalse({p["id"] for p in picks} & bought[to],
                                     "never what the contact already bought")

    def test_a_bad_config_is_a_validate_error_at_its_place(self):
        path = self.sb.write("bad.yaml", BAD)
        r = self.sb.herald("validate", path)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        line, col = line_col(BAD, "when: {tags")
        self.assertIn(f"bad.yaml:{line}:{col}: error: step 'personalize' (personalize): "
                      "case 2 of value 'discount' can never be chosen: case 1 has no `when`, "
                      "so it matches every contact; move the fallback last, or give it a "
                      "`when`", out)
        line, col = line_col(BAD, "[{value: 1}]")
        self.assertIn(f"bad.yaml:{line}:{col}: error: step 'personalize' (personalize): value "
                      "name '2nd' is not a name templates can read as vars.2nd; use letters, "
                      "digits and '_', not starting with a digit (e.g. hero_banner)", out)
        line, col = line_col(BAD, "discount}")
        self.assertIn(f"bad.yaml:{line}:{col}: error: step 'personalize' (personalize): `as` "
                      "'discount' is already the name of the value at /values/discount; each "
                      "variable this step sets needs its own name", out)
        # The host's own check of a rule in a nested x-segment field.
        line, col = line_col(BAD, "hass")
        self.assertIn(f"bad.yaml:{line}:{col}: error: step 'personalize' (personalize): unknown "
                      "key 'hass' in a test on tags (did you mean 'has'?)", out)
        self.assertIn("4 errors in 1 of 1 file", out)

    def test_templates_in_blocks_and_values_are_checked_at_their_place(self):
        path = self.sb.write("bad-templates.yaml", BAD_TEMPLATES)
        r = self.sb.herald("validate", path)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        line, col = line_col(BAD_TEMPLATES, "{{ contact.first_name }<")
        self.assertIn(f"bad-templates.yaml:{line}:{col}: error: step 'personalize' (personalize), "
                      "blocks/hero/0/content: '{{' is never closed: add }}", out)
        line, col = line_col(BAD_TEMPLATES, "frist_name")
        self.assertIn(f"bad-templates.yaml:{line}:", out)
        self.assertIn("values/greeting/0/value: unknown contact field 'frist_name'; did you mean "
                      "'first_name'?", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
