// Never lose an edit, on every editorial change form (articles, placements, comments):
//
// - leaving the page with changes not saved asks first (the browser's own prompt);
// - what you type is kept in this browser (localStorage) as you type, under the item and the
//   version you opened, and offered back ("Restore" / "Discard") when you open the item again
//   after a crash, a closed tab or a save refused because someone else saved first;
// - a save that goes through clears it;
// - on a draft's change page it is also sent to the server (at most every 15 seconds), kept
//   for this person alone and offered back on any computer; the item itself is never changed
//   by it, and only drafts are autosaved (finextra.admin: autosave_view).
//
// Progressive enhancement: without script (or storage) the form works as before, and the server
// still refuses a save over someone else's and keeps your text in the refused form.
(function () {
  "use strict";

  var PREFIX = "finextra-draft:";
  var SUBMITTED = "finextra-draft-submitted";
  var SKIPPED_TYPES = ["hidden", "file", "password", "submit", "button", "reset", "image"];
  var SEND_EVERY_MS = 15000;

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null; // private mode, storage full or disabled: no drafts, the form still works
    }
  }

  function editorialForm() {
    var forms = document.querySelectorAll("#content-main form[id$='_form']");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].elements.seen_version) {
        return forms[i];
      }
    }
    return null;
  }

  // The item the form saves: its change (or add) address, whatever page shows it (a restored
  // revision posts to the change page).
  function itemPath(form) {
    var action = form.getAttribute("action");
    return action ? new URL(action, window.location.href).pathname : window.location.pathname;
  }

  function kept(element) {
    if (!element.name || element.disabled || element.name.charAt(0) === "_") {
      return false;
    }
    if (element.name === "csrfmiddlewaretoken" || element.name === "seen_version") {
      return false;
    }
    if (element.tagName === "BUTTON" || element.tagName === "FIELDSET") {
      return false;
    }
    return SKIPPED_TYPES.indexOf(element.type) === -1;
  }

  // The form's values, by field, as plain data: text as text, choices with their labels (an
  // autocomplete field holds only the options chosen, so a restore must be able to add them).
  function read(form, baselines) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) {
        return;
      }
      if (element.type === "checkbox") {
        values[element.name + "=" + element.value] = element.checked;
      } else if (element.type === "radio") {
        if (element.checked) {
          values[element.name] = element.value;
        } else if (!(element.name in values)) {
          values[element.name] = null;
        }
      } else if (element.tagName === "SELECT") {
        values[element.name] = selected(element);
      } else {
        values[element.name] =
          baselines && baselines.has(element) && baselines.get(element).untouched
            ? baselines.get(element).value
            : element.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // The fields a draft changed from what its writer opened, that the form does not hold now.
  function changes(draft, current) {
    var opened = draft.opened || {};
    return Object.keys(draft.values).filter(function (name) {
      return (
        name in current &&
        !same(draft.values[name], opened[name]) &&
        !same(draft.values[name], current[name])
      );
    });
  }

  function only(values, names) {
    var picked = {};
    names.forEach(function (name) {
      picked[name] = values[name];
    });
    return picked;
  }

  function write(form, values, editors) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) {
        return;
      }
      var changed = false;
      if (element.type === "checkbox") {
        var key = element.name + "=" + element.value;
        if (key in values && element.checked !== values[key]) {
          element.checked = values[key];
          changed = true;
        }
      } else if (element.type === "radio") {
        if (element.name in values && element.checked !== (element.value === values[element.name])) {
          element.checked = element.value === values[element.name];
          changed = true;
        }
      } else if (element.tagName === "SELECT") {
        if (!(element.name in values) || same(selected(element), values[element.name])) {
          return;
        }
        var wanted = values[element.name].map(function (pair) {
          return pair[0];
        });
        values[element.name].forEach(function (pair) {
          var exists = Array.prototype.some.call(element.options, function (option) {
            return option.value === pair[0];
          });
          if (!exists) {
            element.add(new Option(pair[1], pair[0]));
          }
        });
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = wanted.indexOf(option.value) !== -1;
        });
        changed = true;
      } else if (element.name in values && element.value !== values[element.name]) {
        var wrapper = element.closest(".prose-editor");
        var surface = wrapper && wrapper.querySelector(".tiptap");
        var editor = editors.get(element) || (surface && surface.editor);
        if (editor) {
          editor.commands.setContent(values[element.name]);
        }
        element.value = values[element.name];
        changed = true;
      }
      if (changed) {
        // What listens to the field (counters, the slug, autocomplete) hears of the change.
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function selected(element) {
    return Array.prototype.filter
      .call(element.options, function (option) {
        return option.selected;
      })
      .map(function (option) {
        return [option.value, option.text];
      });
  }

  function draftsOf(store, path) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX + path + "#v") === 0) {
        try {
          found.push({ key: key, draft: JSON.parse(store.getItem(key)) });
        } catch (error) {
          found.push({ key: key, draft: null });
        }
      }
    }
    return found;
  }

  function forget(store, path) {
    draftsOf(store, path).forEach(function (entry) {
      store.removeItem(entry.key);
    });
  }

  // The person's autosave on the server, written into the page as data (never a script).
  function serverDraft() {
    var data = document.getElementById("server-draft");
    if (!data) {
      return null;
    }
    try {
      var draft = JSON.parse(data.textContent);
      return draft && draft.values ? { key: null, draft: draft, server: true } : null;
    } catch (error) {
      return null;
    }
  }

  // Sends the draft to the server's autosave for this item, at most every SEND_EVERY_MS; stops
  // for good once the server says no (not a draft, not this person's to change).
  function autosaver(form, path) {
    var url = /\/change\/$/.test(path) ? path.replace(/change\/$/, "autosave/") : null;
    var token = form.elements.csrfmiddlewaretoken;
    var refused = !url || !token || !window.fetch;
    var waiting = null;
    var lastSent = 0;
    var pending = null;

    function post(body, keepalive) {
      if (refused) {
        return;
      }
      lastSent = Date.now();
      window
        .fetch(url, {
          method: "POST",
          credentials: "same-origin",
          keepalive: Boolean(keepalive),
          headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
          body: body,
        })
        .then(function (response) {
          if (response.status === 403 || response.status === 409 || response.status === 413) {
            refused = true;
          }
        })
        .catch(function () {
          // Offline: the browser's own copy holds it; the next change tries again.
        });
    }

    return {
      send: function (body) {
        pending = body;
        if (refused || waiting) {
          return;
        }
        var wait = Math.max(0, lastSent + SEND_EVERY_MS - Date.now());
        waiting = window.setTimeout(function () {
          waiting = null;
          post(pending);
          pending = null;
        }, wait);
      },
      flush: function () {
        if (pending !== null) {
          window.clearTimeout(waiting);
          waiting = null;
          post(pending, true);
          pending = null;
        }
      },
      discard: function () {
        window.clearTimeout(waiting);
        waiting = null;
        pending = null;
        post(JSON.stringify({ discard: true }), true);
      },
      stop: function () {
        window.clearTimeout(waiting);
        refused = true;
      },
    };
  }

  function timeOf(iso) {
    var at = new Date(iso);
    return at.toLocaleString([], {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function notice(form, parts) {
    var box = document.createElement("div");
    box.className = "draft-notice";
    box.setAttribute("role", "region");
    box.setAttribute("aria-labelledby", "draft-notice-title");
    var title = document.createElement("p");
    title.id = "draft-notice-title";
    var strong = document.createElement("strong");
    strong.textContent = parts.title;
    title.appendChild(strong);
    box.appendChild(title);
    parts.lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    var actions = document.createElement("p");
    actions.className = "draft-notice-actions";
    parts.actions.forEach(function (action) {
      var control;
      if (action.href) {
        control = document.createElement("a");
        control.href = action.href;
        control.className = "button";
      } else {
        control = document.createElement("button");
        control.type = "button";
        control.className = "button";
        control.addEventListener("click", action.run);
      }
      control.textContent = action.label;
      actions.appendChild(control);
    });
    box.appendChild(actions);
    var errors = form.querySelector(".errornote");
    var anchor = errors || form.querySelector("fieldset");
    anchor.parentNode.insertBefore(box, anchor);
    return box;
  }

  function init() {
    var form = editorialForm();
    var store = storage("localStorage");
    if (!store) {
      return;
    }
    var refused = Boolean(form && form.querySelector(".errornote"));
    // The last save sent from this browser: refused (the same form, with errors: kept) or gone
    // through (any other page: cleared, whichever page the admin went on to).
    var session = storage("sessionStorage");
    var sent = session && session.getItem(SUBMITTED);
    if (sent) {
      session.removeItem(SUBMITTED);
      if (!(refused && itemPath(form) === sent)) {
        forget(store, sent);
      }
    }
    if (!form) {
      return;
    }
    var path = itemPath(form);
    var version = form.elements.seen_version.value || "new";
    var key = PREFIX + path + "#v" + version;
    var submitting = false;
    var server = autosaver(form, path);

    var initial = read(form, baselines);
    // What the writer opened, to tell their own changes from someone else's: on a refused form
    // (which shows what was sent), what they opened before sending.
    var opened = initial;
    if (refused) {
      try {
        opened = JSON.parse(store.getItem(key)).opened || initial;
      } catch (error) {
        opened = initial;
      }
    }

    function draft(values) {
      return JSON.stringify({
        version: version,
        at: new Date().toISOString(),
        opened: opened,
        values: values,
      });
    }

    function dirty() {
      return !same(read(form, baselines), initial);
    }

    function keep() {
      if (submitting) {
        return;
      }
      var values = read(form, baselines);
      if (same(values, initial) && !refused) {
        store.removeItem(key);
        return;
      }
      // One draft per item: the one typed on this version replaces any older one.
      var kept = draft(values);
      forget(store, path);
      try {
        store.setItem(key, kept);
      } catch (error) {
        // Storage full: the unsaved-changes warning (and the server's copy) protect the text.
      }
      if (!refused) {
        server.send(kept);
      }
    }

    var timer = null;
    function keepSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(keep, 400);
    }

    form.addEventListener("input", function (event) {
      var baseline = baselines.get(event.target);
      if (baseline) {
        var value = event.target.value;
        baseline.untouched = value === baseline.spelled || value === baseline.value;
      }
      keepSoon();
    });
    form.addEventListener("change", keepSoon);
    // Typing then closing the tab at once: keep what is there before the page goes.
    window.addEventListener("pagehide", function () {
      window.clearTimeout(timer);
      keep();
      server.flush();
    });

    window.addEventListener("beforeunload", function (event) {
      if (!submitting && dirty()) {
        event.preventDefault();
        event.returnValue = ""; // older browsers want it set to show their prompt
      }
    });

    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
      server.stop(); // the save itself clears the server's copy
      // Kept until the next page says the save went through.
      var values = read(form, baselines);
      if (!same(values, initial)) {
        try {
          forget(store, path);
          store.setItem(key, draft(values));
        } catch (error) {
          // Storage full: the server keeps the text in a refused form anyway.
        }
      }
      if (session) {
        session.setItem(SUBMITTED, path);
      }
    });

    // What is kept from before, for this item.
    var entries = draftsOf(store, path).filter(function (entry) {
      return entry.draft && entry.draft.values;
    });
    var fromServer = serverDraft();
    if (fromServer) {
      entries.push(fromServer);
    }
    entries.sort(function (a, b) {
      return new Date(b.draft.at) - new Date(a.draft.at);
    });
    var latest = entries[0];
    if (!latest) {
      return;
    }
    var changed = changes(latest.draft, read(form, baselines));
    if (!changed.length) {
      // The form already holds that text (a refused save shows it again; or it was saved).
      if (!refused) {
        forget(store, path);
        if (fromServer) {
          server.discard();
        }
      }
      return;
    }
    if (refused) {
      // The server kept the posted text in this form; the draft is the same text unless the
      // person typed more since. Nothing to offer here.
      return;
    }
    var older = String(latest.draft.version) !== String(version) && version !== "new";
    var lines = [
      "Text you typed on " +
        timeOf(latest.draft.at) +
        " was not saved. " +
        (latest.server
          ? "It was autosaved for you alone, so it follows you to any computer."
          : "It is kept in this browser only."),
    ];
    if (older) {
      lines.push(
        "Someone has saved this since you typed it. Restore puts your text over theirs in the " +
          "form below: compare before you save.",
      );
    }
    var box = notice(form, {
      title: "Unsaved changes found",
      lines: lines,
      actions: [
        {
          label: "Restore",
          run: function () {
            write(form, only(latest.draft.values, changed), editors);
            keep();
            box.remove();
            var first = form.elements[changed[0].split("=")[0]];
            if (first && first.focus) {
              first.focus();
            }
          },
        },
        {
          label: "Discard",
          run: function () {
            forget(store, path);
            if (fromServer) {
              server.discard();
            }
            box.remove();
          },
        },
      ],
    });
  }

  // Rich-text fields: the editor writes its own spelling of the HTML into the textarea on the
  // first change, so such a field counts as changed only once its text differs from the
  // editor's first reading of it. Listened for at once: an editor may be ready before the page.
  var editors = new Map();
  var baselines = new Map();
  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    var editor = event.detail.editor;
    editors.set(textarea, editor);
    var html = editor.getHTML();
    var spelled = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
    baselines.set(textarea, { value: textarea.value, spelled: spelled, untouched: true });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
