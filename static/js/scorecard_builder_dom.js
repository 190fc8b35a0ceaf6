/* Scorecard builder: DOM helpers and the error display, shared by scorecard_builder.js and
 * scorecard_builder_extras.js (loaded first, as `window.qaBuilderDom`). No state of its own.
 */
(function () {
  "use strict";

  function fmt(s, args) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : m;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value == null) return;
      if (name === "text") node.textContent = value;
      else if (name === "value") node.value = value;
      else if (name === "checked") node.checked = !!value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function field(id, label, control, extraClass) {
    control.id = id;
    return el("div", { class: "sc-field" + (extraClass ? " " + extraClass : "") }, [
      el("label", { for: id, text: label }),
      control,
    ]);
  }

  function checkbox(id, label, checked, name) {
    return el("div", { class: "sc-check" }, [
      el("input", { type: "checkbox", id: id, "data-field": name, checked: checked }),
      el("label", { for: id, text: label }),
    ]);
  }

  function select(name, options, value) {
    var node = el("select", { "data-field": name });
    options.forEach(function (o) {
      node.appendChild(el("option", { value: o.value, text: o.label, selected: o.value === value }));
    });
    node.value = value;
    return node;
  }

  function toolButton(action, label, aria, disabled) {
    return el("button", { type: "button", class: "sc-tool", "data-action": action, "aria-label": aria, disabled: disabled, text: label });
  }

  // Each error next to its input (aria-invalid, aria-describedby) and all of them in the summary.
  function renderErrors(root, errors, summary, summaryEl, title) {
    root.querySelectorAll(".sc-error").forEach(function (node) {
      node.remove();
    });
    root.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
      var described = (node.getAttribute("aria-describedby") || "").split(" ").filter(function (d) {
        return d && d.slice(-6) !== "-error";
      });
      if (described.length) node.setAttribute("aria-describedby", described.join(" "));
      else node.removeAttribute("aria-describedby");
    });
    var items = [];
    Object.keys(errors).forEach(function (id) {
      var target = document.getElementById(id);
      var messages = errors[id];
      var message = el("p", { class: "sc-error", id: id + "-error", text: messages.join(" ") });
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("aria-invalid", "true");
        var described = target.getAttribute("aria-describedby");
        target.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);
        var box = target.closest(".sc-field, .sc-check") || target.parentNode;
        box.appendChild(message);
        var label = box.querySelector("label");
        items.push({ label: describe(target, label), messages: messages, target: id });
      } else if (target) {
        var head = target.querySelector(".sc-head");
        target.insertBefore(message, head ? head.nextSibling : target.firstChild);
        items.push({ label: describe(target), messages: messages, target: id });
      } else {
        items.push({ label: "", messages: messages, target: null });
      }
    });
    items = items.concat(summary);
    summaryEl.textContent = "";
    summaryEl.hidden = !items.length;
    if (items.length) {
      summaryEl.appendChild(el("p", { class: "sc-error-title", text: title }));
      var list = el("ul");
      items.forEach(function (item) {
        var text = (item.label ? item.label + ": " : "") + item.messages.join(" ");
        list.appendChild(el("li", {}, [item.target ? el("a", { href: "#" + item.target, text: text }) : text]));
      });
      summaryEl.appendChild(list);
    }
  }

  function describe(target, label) {
    var parts = [];
    var section = target.closest(".sc-section");
    var criterion = target.closest(".sc-criterion");
    if (section) parts.push(section.querySelector("legend").textContent);
    if (criterion) parts.push(criterion.querySelector(".sc-num").textContent);
    var cause = target.closest(".sc-cause");
    if (cause) parts.push(cause.querySelector(".sc-num").textContent);
    if (label) parts.push(label.textContent);
    return parts.join(" › ");
  }
  window.qaBuilderDom = {
    fmt: fmt,
    el: el,
    field: field,
    checkbox: checkbox,
    select: select,
    toolButton: toolButton,
    renderErrors: renderErrors,
  };
})();
