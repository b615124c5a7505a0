"""A page's forms read as a browser reads them, to post them back as a browser would: every
input with its value, checked boxes only, the selected options of each select (several for a
multiple select), the text of each textarea; file inputs and buttons left out.

Used by the tests that post the admin's change forms and by benchmarks/concurrent_saves.py and
benchmarks/drill.py."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"file", "submit", "button", "image", "reset"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: dict | None = None
        self._option: dict | None = None

    def _add(self, name: str, value: str) -> None:
        self.forms[-1]["fields"].setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                {"id": attrs.get("id", ""), "action": attrs.get("action", ""), "fields": {}}
            )
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._add(attrs["name"], attrs.get("value", default))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
        elif tag == "select" and attrs.get("name"):
            self._select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "selected": [],
                "first": None,
            }
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }

    def handle_data(self, data):
        if self._textarea is not None:
            self.forms[-1]["fields"][self._textarea][-1] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["value"] if option["value"] is not None else option["text"].strip()
            if self._select["first"] is None:
                self._select["first"] = value
            if option["selected"]:
                self._select["selected"].append(value)
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["selected"]
            if not chosen and not select["multiple"] and select["first"] is not None:
                chosen = [select["first"]]
            for value in chosen:
                self._add(select["name"], value)
            if not chosen:
                self.forms[-1]["fields"].setdefault(select["name"], [])


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_by_id(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form `id="form_id"`, as {name: [values]} (a test client posts lists)."""
    for form in forms_on(html):
        if form["id"] == form_id:
            return {name: list(values) for name, values in form["fields"].items()}
    raise AssertionError(f"no form with id {form_id!r} on the page")


def form_by_action(html: str, action: str) -> dict[str, list[str]]:
    """The fields of the form posting to `action` ("" for the page itself), as {name: [values]}."""
    for form in forms_on(html):
        if form["action"] == action:
            return {name: list(values) for name, values in form["fields"].items()}
    raise AssertionError(f"no form posting to {action!r} on the page")


def change_form(html: str, model_name: str) -> dict[str, list[str]]:
    """The admin's change form of a model (`<form id="article_form">`), ready to post back."""
    fields = form_by_id(html, f"{model_name}_form")
    fields["_save"] = ["Save"]
    return fields
