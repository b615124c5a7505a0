// Progressive enhancement of the article page: "Join the discussion" and "Reply" fetch the
// compose page (never cached: it carries the reader's CSRF token) and show its form in place.
// Without JavaScript, or if anything fails, the links simply open the compose page.
(function () {
  "use strict";

  function openCompose(link) {
    return fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("compose page answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var compose = page.querySelector(".comment-compose");
        if (!compose) {
          throw new Error("no form on the compose page");
        }
        var previous = document.querySelector(".comment-compose-inline");
        if (previous) {
          previous.remove();
        }
        var holder = document.createElement("div");
        holder.className = "comment-compose-inline";
        holder.appendChild(document.importNode(compose, true));
        link.closest("p").insertAdjacentElement("afterend", holder);
        var field = holder.querySelector("textarea");
        if (field) {
          field.focus();
        }
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-compose]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    openCompose(link).catch(function () {
      window.location.href = link.href;
    });
  });
})();
