// The article desk: a live character count under the headline and the standfirst, a live word
// count under the body, and a label for the rich-text editor.
// Progressive enhancement: without it the fields still stop at their maxlength, and the server
// checks the same limits.
(function () {
  "use strict";

  function describe(field, count) {
    var limit = Number(field.getAttribute("maxlength"));
    var advice = Number(field.dataset.countAdvice);
    var text = count + " of " + limit + " characters";
    if (advice && count > advice) {
      text += ": search results show about the first " + advice;
    } else if (advice) {
      text += " (search results show about " + advice + ")";
    }
    return text;
  }

  function attach(field) {
    var output = document.createElement("div");
    // Styled and placed as the admin's help text, under the field.
    output.className = "help char-count";
    output.id = field.id + "_count";
    // Polite: a screen reader hears the count when typing pauses, not on every key.
    output.setAttribute("aria-live", "polite");
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + output.id);
    (field.closest(".flex-container") || field).insertAdjacentElement("afterend", output);

    function update() {
      var count = field.value.length;
      var advice = Number(field.dataset.countAdvice);
      output.textContent = describe(field, count);
      output.classList.toggle("char-count-over", Boolean(advice) && count > advice);
    }
    field.addEventListener("input", update);
    update();
  }

  // The rich-text editor replaces the body's textarea with an editable area of its own, built
  // once its modules load; give that area the field's label and help text.
  function labelEditors() {
    var waiting = 0;
    document.querySelectorAll(".prose-editor").forEach(function (wrapper) {
      var textarea = wrapper.querySelector("textarea");
      var editable = wrapper.querySelector("[contenteditable=true]");
      var label = textarea && document.querySelector('label[for="' + textarea.id + '"]');
      if (!editable || !label) {
        waiting += 1;
        return;
      }
      label.id = label.id || textarea.id + "_label";
      editable.setAttribute("aria-labelledby", label.id);
      editable.setAttribute("aria-multiline", "true");
      if (textarea.getAttribute("aria-describedby")) {
        editable.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
      }
    });
    return waiting === 0;
  }

  // Words as a reader counts them: runs of letters and digits, with inner apostrophes, hyphens
  // and points ("don't", "T+1" is two, "4.25%" is one).
  var WORD = /[\p{L}\p{N}]+(?:['\u2019.\-][\p{L}\p{N}]+)*/gu;

  function countWords(editor) {
    var doc = editor.state.doc;
    return (doc.textBetween(0, doc.content.size, " ", " ").match(WORD) || []).length;
  }

  // Under the body's editor, once it is built: "N words", kept up to date as the writer types.
  // Not a live region (it would talk over the typing); the editing area is described by it.
  function attachWordCount(editor, textarea) {
    var wrapper = textarea.closest(".prose-editor");
    if (!wrapper || document.getElementById(textarea.id + "_words")) {
      return;
    }
    var output = document.createElement("div");
    output.className = "help word-count";
    output.id = textarea.id + "_words";
    // Under the field's row, as the character counts and the help text are.
    (wrapper.closest(".flex-container") || wrapper).insertAdjacentElement("afterend", output);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + output.id);
    var editable = wrapper.querySelector("[contenteditable=true]");
    if (editable) {
      var own = editable.getAttribute("aria-describedby");
      editable.setAttribute("aria-describedby", (own ? own + " " : "") + output.id);
    }
    function update() {
      var words = countWords(editor);
      output.textContent = words === 1 ? "1 word" : words + " words";
    }
    editor.on("update", update);
    update();
  }

  // Listened for at once: the editor loads as a module and may be ready before the page is.
  document.addEventListener("prose-editor:ready", function (event) {
    attachWordCount(event.detail.editor, event.detail.textarea);
  });

  function init() {
    document.querySelectorAll("[data-count-advice][maxlength]").forEach(attach);
    if (!document.querySelector("textarea[data-django-prose-editor-configurable]")) {
      return;
    }
    var observer = new MutationObserver(function () {
      if (document.querySelector(".prose-editor") && labelEditors()) {
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
