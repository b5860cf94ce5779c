#!/usr/bin/env python3
"""Messages as a marketer writes them, through the real binary: message files,
partials, locales, `herald template render`, template errors at FILE:LINE:COL,
strict and lenient runs, validate's warning with counts, the preheader and
HTML escaping in the written .eml, and every example of docs/workflows.md's
"Personalizing messages" section."""
import csv
import email
import email.policy
import json
import os
import re
import shutil
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
SOURCE_DIR = sys.argv.pop(1)

CONTACTS = [
    # external_id, email, first_name, locale, city
    ("c1", "ada@example.com", "Ada", "en-US", "London"),
    ("c2", "min@example.com", "Minji", "ko-KR", "Seoul"),
    ("c3", "eve@example.com", "<script>alert(1)</script>", "", ""),
    ("c4", "nn@example.com", "", "de-AT", ""),
]

FOOTER_HTML = "<p class=\"footer\">Unsubscribe: https://x.example/u/{{ contact.id }}</p>\n"
FOOTER_TEXT = "-- unsubscribe: https://x.example/u/{{ contact.id }}\n"

MESSAGE = """\
subject: "Hi {{ contact.first_name | default: 'there' }}"
preheader: "20% off for {{ contact.first_name | default: 'you' }}"
text: |
  Hello {{ contact.first_name }}!
  {% render 'footer' %}
html: {file: offer.html}
locales:
  ko:
    subject: "{{ contact.first_name | default: '고객' }}님, 안녕하세요"
    preheader: "20% 할인"
    text: |
      {{ contact.first_name | default: '고객' }}님!
      {% render 'footer' %}
    html: {file: offer.ko.html}
"""

OFFER_HTML = "<p>Hello {{ contact.first_name }}!</p>\n{% render 'footer' %}\n"
OFFER_KO_HTML = "<p>{{ contact.first_name | default: '고객' }}님!</p>\n{% render 'footer' %}\n"

WORKFLOW = """\
name: offer
trigger: manual
settings:
  locale: en-US
steps:
  - id: send-offer
    uses: outbox.email
    with:
      from: shop@example.com
      message: offer
"""

INLINE = """\
name: inline
trigger: manual
settings:
  undefined_variables: {mode}
steps:
  - id: mail
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Hi {{{{ contact.first_name }}}}"
      text: |
        Dear {{{{ contact.first_name }}}},
        your city: {{{{ contact.attributes.city }}}}
"""

# A personalize step works out a discount; the message reads it.
PREVIEW = """\
name: preview
trigger: manual
steps:
  - id: pick
    uses: personalize
    with:
      values:
        discount:
          - when: {attribute: city, equals: Seoul}
            value: 25
          - value: 10
  - id: route
    uses: condition
    with: {if: "vars.discount >= 20"}
    branches: {then: vip-mail, else: bye}
  - id: vip-mail
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "{{ contact.first_name }}, {{ vars.discount }}% off"
      text: "Only for you in {{ contact.attributes.city }}: {{ vars.discount }}%"
  - id: bye
    uses: exit
"""


class TemplatesTest(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)
        self.templates = os.path.join(self.sb.dir, "templates")
        os.makedirs(self.templates)
        self.put("templates/footer.html.liquid", FOOTER_HTML)
        self.put("templates/footer.text.liquid", FOOTER_TEXT)
        self.put("templates/offer.yaml", MESSAGE)
        self.put("templates/offer.html", OFFER_HTML)
        self.put("templates/offer.ko.html", OFFER_KO_HTML)
        self.wf = self.put("offer.yaml", WORKFLOW)

    def tearDown(self):
        self.sb.cleanup()

    def put(self, name, text):
        path = os.path.join(self.sb.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def import_contacts(self, rows=CONTACTS):
        path = os.path.join(self.sb.dir, "contacts.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["external_id", "email", "first_name", "locale", "city", "consent_email"])
            for r in rows:
                w.writerow(list(r) + ["yes"])
        r = self.sb.herald("contacts", "import", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def emails(self):
        out = {}
        for name in self.sb.outbox_files():
            with open(os.path.join(self.sb.outbox, "new", name), "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            parts = {}
            for part in msg.walk():
                if part.get_content_maintype() == "text":
                    parts[part.get_content_subtype()] = part.get_content()
            out[str(msg["To"])] = (msg, parts)
        return out

    # ---- herald template render -------------------------------------------

    def test_render_a_message_file_with_data(self):
        data = self.put("ada.json", json.dumps(
            {"contact": {"first_name": "Ada", "id": 7, "attributes": {"city": "London"}}}))
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--data", data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout,
                         "== subject ==\nHi Ada\n\n"
                         "== preheader ==\n20% off for Ada\n\n"
                         # The parts end with the partial's line break and their own.
                         "== text ==\nHello Ada!\n-- unsubscribe: https://x.example/u/7\n\n\n"
                         "== html ==\n<p>Hello Ada!</p>\n"
                         "<p class=\"footer\">Unsubscribe: https://x.example/u/7</p>\n\n")
        self.assertIn("locale: the base parts (variants: ko)", r.stderr)

    def test_render_picks_the_locale_variant_and_one_part(self):
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--locale", "ko-KR",
                           "--part", "subject")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "고객님, 안녕하세요\n")
        self.assertIn("locale: ko (variant of the message)", r.stderr)

    def test_render_for_a_contact_of_the_database(self):
        self.import_contacts()
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--contact", "ext:c2",
                           "--part", "text")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("Minji님!\n-- unsubscribe: https://x.example/u/"),
                        r.stdout)
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--contact", "ext:zz")
        self.assertEqual(r.returncode, 1)
        self.assertIn("herald: error: no contact with external id 'zz' (or it was erased)",
                      r.stderr)

    def test_render_one_template_escapes_html_files_only(self):
        data = self.put("eve.json", json.dumps({"contact": {"first_name": "<b>Eve</b>"},
                                                "offer": "20%"}))
        self.put("note.html", "<p>{{ contact.first_name }} {{ offer }}</p>")
        self.put("note.txt", "{{ contact.first_name }} {{ offer }}")
        r = self.sb.herald("template", "render", "note.html", "--data", data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "<p>&lt;b&gt;Eve&lt;/b&gt; 20%</p>\n")
        r = self.sb.herald("template", "render", "note.txt", "--data", data)
        self.assertEqual(r.stdout, "<b>Eve</b> 20%\n")

    def test_render_lists_undefined_variables_or_fails_when_strict(self):
        self.put("t.txt", "Hi {{ contact.first_name }} from {{ contact.attributes.city }}")
        data = self.put("d.json", json.dumps({"contact": {"first_name": "Ada"}}))
        r = self.sb.herald("template", "render", "t.txt", "--data", data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "Hi Ada from \n")
        self.assertIn("contact.attributes.city rendered empty (no value and no default)", r.stderr)
        r = self.sb.herald("template", "render", "t.txt", "--data", data, "--strict")
        self.assertEqual(r.returncode, 1)
        self.assertIn("undefined variable contact.attributes.city", r.stderr)

    def test_render_errors_are_at_file_line_col(self):
        self.put("broken.html", "<p>\n  {{ contact.first_name | nosuchfilter }}\n</p>\n")
        r = self.sb.herald("template", "render", "broken.html")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^broken\.html:2:\d+: error: .*nosuchfilter")
        # In a message file: the line of the part inside the YAML file.
        self.put("templates/bad.yaml", "subject: ok\ntext: |\n  line one\n  {% if x %}\n")
        r = self.sb.herald("template", "render", "templates/bad.yaml")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"templates/bad\.yaml:4:\d+: error: message 'bad', text: ")
        # In a partial: the partial's own file.
        self.put("templates/footer.text.liquid", "ok\n{{ contact.first_name | nope }}\n")
        r = self.sb.herald("template", "render", "templates/offer.yaml")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"templates/footer\.text\.liquid:2:\d+: error: ")

    def test_render_a_step_after_the_earlier_steps_ran_dry_for_the_contact(self):
        """The personalize step's value is in the message; nothing is delivered or stored."""
        self.import_contacts()
        wf = self.put("preview.yaml", PREVIEW)
        r = self.sb.herald("template", "render", "--workflow", wf, "--step", "vip-mail",
                           "--contact", "ext:c2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "== subject ==\nMinji, 25% off\n\n== text ==\n"
                                   "Only for you in Seoul: 25%\n")
        self.assertIn("contact 2: pick -> route -> vip-mail (dry: nothing delivered, nothing "
                      "stored)", r.stderr)
        r = self.sb.herald("template", "render", "--workflow", wf, "--step", "vip-mail",
                           "--contact", "ext:c2", "--part", "subject")
        self.assertEqual(r.stdout, "Minji, 25% off\n", r.stderr)
        # Another contact takes the other branch and never reaches the step.
        r = self.sb.herald("template", "render", "--workflow", wf, "--step", "vip-mail",
                           "--contact", "ext:c1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("herald: error: contact 1 does not reach step 'vip-mail': the journey ends "
                      "at step 'bye'", r.stderr)
        # Nothing was stored or delivered.
        self.assertIn("no runs yet", self.sb.herald("runs", "list").stdout)
        self.assertEqual(self.sb.outbox_files(), [])

    def test_render_a_step_user_errors(self):
        self.import_contacts()
        wf = self.put("preview.yaml", PREVIEW)
        cases = [
            (["--workflow", wf, "--contact", "ext:c2"], 2,
             "--workflow needs --step STEP_ID: the step whose message to show"),
            (["--workflow", wf, "--step", "vip-mail"], 2,
             "--workflow needs --contact ID: the earlier steps run for that contact"),
            (["--workflow", wf, "--step", "vip-mial", "--contact", "ext:c2"], 1,
             f"{wf} has no step 'vip-mial' (did you mean 'vip-mail'?); its steps: pick, route, "
             "vip-mail and bye"),
            (["--workflow", wf, "--step", "route", "--contact", "ext:c2"], 1,
             "step 'route' (condition) has no message to render"),
            (["--step", "vip-mail", os.path.join(self.templates, "offer.yaml")], 2,
             "--step goes with --workflow FILE"),
            ([], 2, "name a message file or template (FILE), or a workflow step"),
        ]
        for args, code, message in cases:
            r = self.sb.herald("template", "render", *args)
            self.assertEqual(r.returncode, code, (args, r.stderr))
            self.assertIn(message, r.stderr, args)

    def test_render_user_errors(self):
        cases = [
            (["template", "render", "nope.yaml"], 1,
             "herald: error: cannot read the message file nope.yaml: no such file"),
            (["template", "render", "nope.txt"], 1,
             "herald: error: cannot read the template nope.txt: "),
            (["template", "render", "templates/offer.yaml", "--locale", "korean"], 2,
             "herald: error: --locale: 'korean' is not a locale tag; use a BCP 47 tag"),
            (["template", "render", "templates/offer.yaml", "--part", "subjet"], 2,
             "herald: error: --part 'subjet' is not a message part (did you mean 'subject'?); "
             "parts: subject, preheader, text, html and body"),
            (["template", "render", "templates/offer.yaml", "--part", "body"], 1,
             "herald: error: templates/offer.yaml has no part 'body'"),
        ]
        for args, code, message in cases:
            r = self.sb.herald(*args)
            self.assertEqual(r.returncode, code, (args, r.stderr))
            self.assertIn(message, r.stderr, args)
        bad = self.put("bad.json", "{not json")
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--data", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.json: not valid JSON: ", r.stderr)
        wrong = self.put("wrong.json", json.dumps({"contact": {"frist_name": "Ada"}}))
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--data", wrong)
        self.assertEqual(r.returncode, 1)
        self.assertIn("wrong.json: contact.frist_name is not a contact field (did you mean "
                      "'first_name'?)", r.stderr)
        r = self.sb.herald("template", "render", "templates/offer.yaml", "--data", bad,
                           "--contact", "1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("excludes", r.stderr)

    # ---- validate ---------------------------------------------------------

    def test_validate_errors_point_into_the_workflow_the_file_and_the_partial(self):
        wf = self.put("typo.yaml", INLINE.format(mode="lenient").replace(
            "your city: {{ contact.attributes.city }}",
            "your city: {{ contact.attributes.city | upcase | nosuch }}"))
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        # The text block starts on line 12; the filter is on its second line (13).
        self.assertRegex(r.stderr, re.escape(wf) + r":13:\d+: error: step 'mail' "
                                                   r"\(outbox.email\), text: .*nosuch")
        col = int(re.search(re.escape(wf) + r":13:(\d+):", r.stderr).group(1))
        self.assertEqual(col, len("        your city: {{ contact.attributes.city | upcase | ")
                         + 1, r.stderr)

        self.put("templates/offer.html", "<p>\n{% for x in contact.tags %}\n</p>\n")
        r = self.sb.herald("validate", self.wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(os.path.join(self.templates, "offer.html") + ":2:", r.stderr)

        self.put("templates/offer.html", OFFER_HTML)
        self.put("templates/footer.html.liquid", "<p>\n\n  {{ contact.id | bad_filter }}</p>")
        r = self.sb.herald("validate", self.wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(os.path.join(self.templates, "footer.html.liquid") + ":3:", r.stderr)

    def test_every_block_left_open_is_reported_at_its_line_of_the_workflow(self):
        wf = self.put("open.yaml", """\
name: open-blocks
trigger: manual
steps:
  - id: mail
    uses: outbox.email
    with:
      from: shop@example.com
      subject: Hi
      text: |
        Hello
        {% if contact.first_name %}
          {% for t in contact.tags %}
            {{ t }}
""")
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines(), [
            f"{wf}:11:9: error: step 'mail' (outbox.email), text: '{{% if %}}' is never closed: "
            "add {% endif %}",
            f"{wf}:12:11: error: step 'mail' (outbox.email), text: '{{% for %}}' is never "
            "closed: add {% endfor %}",
            "2 errors in 1 of 1 file"])
        # A closing tag that meets another block: the opener's line is a note.
        self.put("open.yaml", open(wf).read().replace("            {{ t }}\n",
                                                      "            {{ t }}\n        {% endif %}\n"))
        r = self.sb.herald("validate", wf)
        self.assertIn(f"{wf}:14:9: error: step 'mail' (outbox.email), text: '{{% endif %}}' cannot "
                      "close {% for %}, which is still open: add {% endfor %} first", r.stderr)
        self.assertIn(f"{wf}:12:11: note: step 'mail' (outbox.email), text: '{{% for %}}' opened "
                      "here", r.stderr)

    def test_validate_reports_template_errors_beside_config_errors(self):
        """One round of validate shows both a misspelt setting and a broken
        template of the same step: the marketer does not fix one to meet the other."""
        wf = self.put("both-errors.yaml", INLINE.format(mode="lenient").replace(
            "      from: shop@example.com\n", "      from: shop@example.com\n      reply_too: x\n")
            .replace("{{ contact.attributes.city }}", "{{ contact.attributes.city | nosuch }}"))
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, re.escape(wf) + r":10:\d+: error: .*reply_too")
        self.assertRegex(r.stderr, re.escape(wf) + r":14:\d+: error: step 'mail' "
                                                   r"\(outbox.email\), text: .*nosuch")
        self.assertIn("2 errors in 1 of 1 file", r.stderr)

    def test_validate_message_errors(self):
        wf = self.put("both.yaml", WORKFLOW.replace("      message: offer\n",
                                                    "      message: offer\n      subject: x\n"))
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{wf}:11:16: error: step 'send-offer' (outbox.email): 'subject' is set "
                      f"both here and in {self.templates}/offer.yaml:1:10 (message: offer); keep "
                      "one of them", r.stderr)
        wf = self.put("missing.yaml", WORKFLOW.replace("message: offer", "message: ofer"))
        r = self.sb.herald("validate", wf)
        self.assertIn(f"{wf}:10:16: error: step 'send-offer' (outbox.email): message 'ofer': "
                      f"there is no file {self.templates}/ofer.yaml (did you mean 'offer'?); "
                      "message files there: offer", r.stderr)
        self.put("templates/offer.yaml", MESSAGE.replace("  ko:\n", "  korean:\n"))
        r = self.sb.herald("validate", self.wf)
        self.assertIn(f"{self.templates}/offer.yaml:8:3: error: step 'send-offer' "
                      "(outbox.email): locale 'korean' is not a locale tag", r.stderr)
        self.put("templates/offer.yaml", MESSAGE.replace("    preheader: \"20% 할인\"\n", ""))
        r = self.sb.herald("validate", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: step 'send-offer' (outbox.email): locale 'ko' has no "
                      "'preheader'", r.stderr)

    def test_validate_warns_with_counts_when_the_database_exists(self):
        wf = self.put("inline.yaml", INLINE.format(mode="lenient"))
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)  # no database: nothing to count
        self.import_contacts()
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{wf}:10:23: warning: {{{{ contact.first_name }}}} has no default and is "
                      "empty for 1 of 4 contacts in the audience; add | default: \"…\"",
                      r.stderr)
        self.assertIn("{{ contact.attributes.city }} has no default and is empty for 2 of 4 "
                      "contacts in the audience", r.stderr)
        self.assertIn(f"{wf}:12:17: warning: {{{{ contact.first_name }}}} has no default",
                      r.stderr)
        self.assertIn("ok: 1 workflow valid (1 step), 3 warnings", r.stdout)

    # ---- runs ---------------------------------------------------------------

    def test_a_run_writes_preheader_locale_and_escapes_only_html(self):
        self.import_contacts()
        r = self.sb.herald("run", self.wf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        mails = self.emails()
        self.assertEqual(len(mails), 4, r.stdout)
        msg, parts = mails["Ada <ada@example.com>"]
        self.assertEqual(str(msg["Subject"]), "Hi Ada")
        self.assertIn("20% off for Ada</div>", parts["html"])
        self.assertNotIn("20% off for", parts["plain"])
        msg, parts = mails["Minji <min@example.com>"]
        self.assertEqual(str(msg["Subject"]), "Minji님, 안녕하세요")
        self.assertIn("20% 할인", parts["html"])
        # The contact whose name is markup: escaped in html, as is in text.
        eve = [v for k, v in mails.items() if "eve@example.com" in k][0]
        self.assertIn("<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;!</p>", eve[1]["html"])
        self.assertNotIn("<script>", eve[1]["html"])
        self.assertIn("Hello <script>alert(1)</script>!", eve[1]["plain"])
        # de-AT has no variant and settings.locale (en-US) none either: base parts.
        nn = [v for k, v in mails.items() if "nn@example.com" in k][0]
        self.assertEqual(str(nn[0]["Subject"]), "Hi there")
        # Lenient: the empty first name of nn is counted in the report.
        self.assertIn("send-offer: {{ contact.first_name }} was empty for 1 contact", r.stdout)

    def test_lenient_counts_are_in_the_report_and_json(self):
        self.import_contacts()
        wf = self.put("inline.yaml", INLINE.format(mode="lenient"))
        r = self.sb.herald("run", wf, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("mail: {{ contact.first_name }} was empty for 1 contact (add | default: "
                      "\"...\")", r.stdout)
        self.assertIn("mail: {{ contact.attributes.city }} was empty for 2 contacts", r.stdout)
        rep = json.loads(self.sb.herald("run", wf, "--dry-run", "--json").stdout)
        # A second dry run resumes the first (nothing left to do) or starts anew;
        # either way the key is there.
        self.assertIn("undefined_variables", rep)

    def test_strict_fails_the_contact_with_the_variable_name(self):
        self.import_contacts()
        wf = self.put("inline.yaml", INLINE.format(mode="strict"))
        r = self.sb.herald("run", wf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("journeys: 2 done, 0 exited, 2 failed, 0 refused by policy", r.stdout)
        show = json.loads(self.sb.herald("runs", "show", "1", "--json").stdout)
        reasons = sorted(f["reason"] for f in show["failures"])
        self.assertTrue(any(re.match(r"template: undefined variable contact\.(first_name|"
                                     r"attributes\.city) in (subject|text) \(line \d+\)", x)
                            for x in reasons), reasons)
        # The ledger settled them as failed: a second run does not send them.
        self.assertEqual(len(self.sb.outbox_files()), 2)

    # ---- docs ---------------------------------------------------------------

    def test_the_docs_examples_validate(self):
        """Every ```yaml workflow of "Personalizing messages" validates cleanly,
        with the files the section shows (<!-- file: PATH --> blocks) beside it."""
        with open(os.path.join(SOURCE_DIR, "docs", "workflows.md")) as f:
            lines = f.read().splitlines()
        inside, marker, blocks, files = False, None, [], {}
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("## "):
                inside = line == "## Personalizing messages"
            elif inside and line.startswith("<!-- file: "):
                marker = line[len("<!-- file: "):-len(" -->")]
            elif inside and line.startswith("```"):
                lang = line[3:]
                body = []
                i += 1
                while lines[i] != "```":
                    body.append(lines[i])
                    i += 1
                text = "\n".join(body) + "\n"
                if marker:
                    files[marker] = text
                elif lang == "yaml":
                    blocks.append(text)
                marker = None
            i += 1
        self.assertGreaterEqual(len(blocks), 4)
        self.assertIn("templates/welcome.yaml", files)
        docs = os.path.join(self.sb.dir, "docs")
        for path, text in files.items():
            self.put(os.path.join("docs", path), text)
        paths = []
        for n, text in enumerate(blocks):
            self.assertIn("steps:", text)
            paths.append(self.put(os.path.join("docs", f"example{n}.yaml"), text))
        r = self.sb.herald("validate", *paths)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)
        self.assertTrue(os.path.isdir(docs))

    def test_the_example_workflows_validate_and_render(self):
        wfdir = os.path.join(SOURCE_DIR, "workflows")
        files = sorted(os.path.join(wfdir, f) for f in os.listdir(wfdir) if f.endswith(".yaml"))
        r = self.sb.herald("validate", *files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)
        r = self.sb.herald("template", "render", os.path.join(wfdir, "templates", "winback.yaml"),
                           "--locale", "ko", "--part", "subject")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "고객님, 20% 할인을 준비했어요\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
