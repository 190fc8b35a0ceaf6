/* Shared by every page: templates/base.html loads it after htmx and before each page's own
 * script (scoring.js, scorecard_builder.js, evaluation.js), which use `window.qa`:
 *
 * - qa.csrfToken(): Django's CSRF token, from the csrftoken cookie or, when the cookie is
 *   HttpOnly, from the hx-headers base.html puts on <body>.
 * - qa.fetchJSON(method, url, body): fetch with a JSON body, the CSRF header and the session
 *   cookie; resolves to {status, ok, body} where body is the parsed JSON (null when there is
 *   none or it is not JSON). Rejects only when the network fails.
 * - qa.formatNumber(value, digits): a number as the page's language writes it (<html lang>),
 *   with exactly `digits` decimals (default 1). Strings are formatted as the decimals they say
 *   ("6.3" stays 6.3), so a score the server or formula.py rounded is never rounded again.
 * - qa.playFrom(player, seconds): seek an <audio> and play from there.
 *
 * And the page behaviours that would otherwise be inline script, which the CSP forbids:
 * - <select data-autosubmit> submits its form when changed (the language picker).
 * - htmx swaps the 4xx responses a view marks for it (see the htmx:beforeSwap handler).
 * - after an htmx swap that removed the focused element, focus goes to the swap's target.
 * - the main menu's groups (<details data-nav-menu>): opening one closes the others, and a
 *   click elsewhere or Escape closes it (without script each still opens and closes itself).
 * No dependencies, no build step.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || undefined;

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var headers = document.body && document.body.getAttribute("hx-headers");
    if (headers) {
      try {
        var token = JSON.parse(headers)["X-CSRFToken"];
        if (token) return token;
      } catch (e) { /* not JSON: fall through to a form's token */ }
    }
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function fetchJSON(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest"
      },
      body: body === undefined || body === null ? null : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: response.status, ok: response.ok, body: parsed };
      });
    });
  }

  var formats = {};
  function numberFormat(digits) {
    if (!formats[digits]) {
      var options = { minimumFractionDigits: digits, maximumFractionDigits: digits };
      try {
        formats[digits] = new Intl.NumberFormat(lang, options);
      } catch (e) {
        formats[digits] = new Intl.NumberFormat(undefined, options); // an unknown language tag
      }
    }
    return formats[digits];
  }
  function formatNumber(value, digits) {
    if (value === null || value === undefined || value === "") return "";
    if (typeof value === "string" && !isFinite(Number(value))) return value;
    // Intl formats a numeric string as that exact decimal; a number as the double it is.
    return numberFormat(digits === undefined ? 1 : digits).format(value);
  }

  function playFrom(player, seconds) {
    if (!player || isNaN(seconds)) return;
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stays paused there */ });
  }

  window.qa = { csrfToken: csrfToken, fetchJSON: fetchJSON, formatNumber: formatNumber, playFrom: playFrom };

  document.addEventListener("change", function (ev) {
    var target = ev.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) target.form.submit();
  });

  // htmx does not swap 4xx responses by default. A refusal a person can act on (400 a bad
  // choice, 403 not theirs, 409 a race) keeps its status, and the view says it is meant to be
  // shown in place by sending HX-Reswap with it (planning/views/queue.py's reassignment row).
  // Only those are swapped: an error page nobody marked (a CSRF failure, a 404 or 500) is not
  // poured into a table row.
  var SWAPPABLE = [400, 403, 409];
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var d = ev.detail;
    if (redirectedElsewhere(d)) {
      // Sent to another page (the login page once the session has ended): go there whole.
      d.shouldSwap = false;
      window.location.assign(d.xhr.responseURL);
      return;
    }
    if (SWAPPABLE.indexOf(d.xhr.status) >= 0 && d.xhr.getResponseHeader("HX-Reswap")) {
      d.shouldSwap = true;
      d.isError = false;
    }
  });

  function redirectedElsewhere(d) {
    if (!d.xhr.responseURL) return false;
    try {
      var asked = new URL(d.pathInfo.finalRequestPath || d.pathInfo.requestPath, window.location.href);
      return new URL(d.xhr.responseURL).pathname !== asked.pathname;
    } catch (e) {
      return false;
    }
  }

  // A GET htmx could not show in place (an error page, or the login page after the session
  // ended): load it as a page, as the link or form would without script.
  document.addEventListener("htmx:responseError", function (ev) {
    var d = ev.detail;
    if (d.requestConfig && d.requestConfig.verb === "get" && d.xhr.responseURL) window.location.assign(d.xhr.responseURL);
  });

  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-nav-menu][open]"));
  }
  document.addEventListener("toggle", function (ev) {
    var opened = ev.target;
    if (!opened.matches || !opened.matches("details[data-nav-menu]") || !opened.open) return;
    openMenus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
  }, true); // toggle does not bubble
  document.addEventListener("click", function (ev) {
    openMenus().forEach(function (menu) { if (!menu.contains(ev.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) menu.querySelector("summary").focus();
    });
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    var target = ev.detail.target;
    var active = document.activeElement;
    if ((!active || active === document.body) && target && target.isConnected && target.hasAttribute("tabindex")) {
      target.focus({ preventScroll: true });
    }
  });
})();
