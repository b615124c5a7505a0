// On every admin page (templates/admin/base_site.html).
//
// 1. Signing out forgets the unsaved text kept in this browser (editorial-drafts.js), so the
//    next person at a shared computer cannot read an unpublished story from it (leaving a form
//    with unsaved changes still asks first). A session that merely expires keeps it.
//
// 2. Where Django's admin widgets fall short of WCAG 2.2 AA and only script can reach them. Each
//    fix names the axe rule it answers; the README's "Accessibility" lists them all.
//
// The autocomplete fields (Select2, built by the admin's own script) name nothing after the
// field's label: the single choice is labelled by its current value alone, which is empty when
// nothing is chosen (aria-input-field-name), the search box of a multiple choice has no label
// at all (label), and the "clear" cross sits straight in a list (list). Select2 redraws its
// choices on every change, so the fixes are applied again whenever it does.
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function setOnce(element, name, value) {
    if (element && element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function mend(select) {
    var container = select.nextElementSibling;
    var label = labelOf(select);
    if (!label || !container || !container.classList.contains("select2")) {
      return;
    }
    var single = container.querySelector(".select2-selection--single");
    if (single) {
      var rendered = single.querySelector(".select2-selection__rendered");
      setOnce(single, "aria-labelledby", label.id + (rendered ? " " + rendered.id : ""));
      setOnce(rendered, "aria-labelledby", label.id);
    }
    var multiple = container.querySelector(".select2-selection--multiple");
    if (multiple) {
      setOnce(multiple, "aria-labelledby", label.id);
      setOnce(multiple.querySelector(".select2-search__field"), "aria-labelledby", label.id);
      var list = multiple.querySelector("ul.select2-selection__rendered");
      Array.prototype.forEach.call(list ? list.children : [], function (child) {
        if (child.tagName === "SPAN") {
          var item = document.createElement("li");
          item.className = "select2-clear-item";
          list.insertBefore(item, child);
          item.appendChild(child);
        }
      });
    }
  }

  function mendAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(mend);
  }

  // Open, Select2 points its combobox at the choices with aria-owns (ARIA 1.0); ARIA 1.2 asks
  // for aria-controls (aria-required-attr).
  function mendOwner(mutation) {
    var combobox = mutation.target;
    var owned = combobox.getAttribute("aria-owns");
    if (owned) {
      setOnce(combobox, "aria-controls", owned);
    } else if (combobox.hasAttribute("aria-controls")) {
      combobox.removeAttribute("aria-controls");
    }
  }

  // The page after signing out carries data-forget-drafts on this script's tag. Forgotten
  // there, not when the button is pressed: a change form keeps its text as the page goes.
  var script = document.currentScript;
  var signedOut = Boolean(script && script.hasAttribute("data-forget-drafts"));

  function forgetDrafts() {
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        keys.push(window.localStorage.key(i));
      }
      keys.forEach(function (key) {
        if (key && key.indexOf("finextra-draft:") === 0) {
          window.localStorage.removeItem(key);
        }
      });
    } catch (error) {
      // No storage, nothing kept.
    }
  }

  function init() {
    if (signedOut) {
      forgetDrafts();
    }
    if (!document.querySelector("select.admin-autocomplete")) {
      return;
    }
    mendAll();
    // Mended in the same turn as Select2's redraw (a mutation callback), so nothing sees the
    // unmended widget; the mends' own mutations come back here and find nothing to do.
    new MutationObserver(mendAll).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(function (mutations) {
      mutations.forEach(mendOwner);
    }).observe(document.body, { attributes: true, attributeFilter: ["aria-owns"], subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
