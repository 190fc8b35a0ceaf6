/* Scorecard builder, the parts beside sections and criteria: conditions ("shown only when an
 * earlier criterion has this answer") and the version's root-cause list.
 *
 * Loaded before scorecard_builder.js, which calls `window.qaBuilderExtras(tools)` with its DOM
 * helpers, its translated texts and its change/announce callbacks. A condition is kept as the
 * trigger's key (not its number), so reordering renumbers it by itself; after a structural change
 * `fixConditions` drops the conditions whose trigger was removed or now comes after them, and
 * returns what it dropped so the builder can tell the user.
 */
(function () {
  "use strict";

  window.qaBuilderExtras = function (tools) {
    var T = tools.text;
    var el = tools.el;
    var fmt = tools.fmt;

    // --- conditions -----------------------------------------------------------------------------

    // Every criterion in form order (sections, then criteria), with where it is.
    function flat(sections) {
      var out = [];
      sections.forEach(function (s, si) {
        s.criteria.forEach(function (c, ci) {
          out.push({ c: c, si: si, ci: ci });
        });
      });
      return out;
    }

    function triggerLabel(entry) {
      return fmt(T.triggerLabel, { s: entry.si + 1, c: entry.ci + 1, t: tools.titleOf(entry.c.text) });
    }

    function highest(c) {
      var k = parseInt(c.scale_max, 10);
      return c.kind === "scale" ? (isNaN(k) || k < 1 ? 1 : Math.min(k, 10)) : 1;
    }

    function valueOptions(trigger) {
      if (!trigger) return [];
      if (trigger.kind !== "scale") return [{ value: "1", label: T.yes }, { value: "0", label: T.no }];
      var options = [];
      for (var v = highest(trigger); v >= 0; v -= 1) options.push({ value: String(v), label: String(v) });
      return options;
    }

    // The draft as loaded names triggers by their number in the form: turn them into keys.
    function resolve(sections, raw) {
      var order = flat(sections);
      order.forEach(function (entry, i) {
        var when = raw[entry.c.key];
        var trigger = when && when.criterion < i ? order[when.criterion] : null;
        entry.c.shown_when = trigger ? { key: trigger.c.key, value: String(when.value) } : null;
      });
    }

    function find(sections, key) {
      var entry = flat(sections).find(function (e) {
        return e.c.key === key;
      });
      return entry ? entry.c : null;
    }

    // Drops the conditions that no longer point backwards; returns what was dropped, to tell.
    function fixConditions(sections, removedTitles) {
      var order = flat(sections);
      var position = {};
      order.forEach(function (entry, i) {
        position[entry.c.key] = i;
      });
      var told = [];
      order.forEach(function (entry, i) {
        var when = entry.c.shown_when;
        if (!when) return;
        var at = position[when.key];
        var title = tools.titleOf(entry.c.text);
        if (at === undefined) {
          told.push(fmt(T.conditionDeleted, { t: title, trigger: removedTitles[when.key] || T.untitled }));
          entry.c.shown_when = null;
        } else if (at >= i) {
          told.push(fmt(T.conditionAfter, { t: title, trigger: tools.titleOf(order[at].c.text) }));
          entry.c.shown_when = null;
        }
      });
      return told;
    }

    // The trigger select (earlier criteria only) and the answer select of one criterion.
    function conditionField(c, cid, order, pos) {
      var trigger = c.shown_when ? find(tools.sections(), c.shown_when.key) : null;
      var which = el("select", { "data-field": "when_key", id: cid + "-shown_when" });
      which.appendChild(el("option", { value: "", text: T.always }));
      order.slice(0, pos).forEach(function (entry) {
        var key = String(entry.c.key);
        which.appendChild(el("option", { value: key, "data-trigger": key, text: triggerLabel(entry) }));
      });
      which.value = trigger ? String(trigger.key) : "";
      var answer = el("select", { "data-field": "when_value", id: cid + "-when_value", disabled: !trigger });
      fillAnswers(answer, trigger, c.shown_when ? c.shown_when.value : "");
      return el("div", { class: "sc-field sc-wide sc-condition" }, [
        el("label", { for: which.id, text: T.shownWhen }),
        el("div", { class: "sc-condition-row" }, [
          which,
          el("label", { for: answer.id, class: "sc-equals", text: T.hasAnswer }),
          answer,
        ]),
      ]);
    }

    function fillAnswers(select, trigger, value) {
      select.textContent = "";
      valueOptions(trigger).forEach(function (o) {
        select.appendChild(el("option", { value: o.value, text: o.label }));
      });
      select.disabled = !trigger;
      if (trigger) select.value = value;
    }

    // A trigger's text, type or k changed: its dependents' labels and answers follow.
    function triggerChanged(trigger) {
      var label = null;
      flat(tools.sections()).forEach(function (entry) {
        if (entry.c === trigger) label = triggerLabel(entry);
        var when = entry.c.shown_when;
        if (!when || when.key !== trigger.key) return;
        var options = valueOptions(trigger);
        if (!options.some(function (o) { return o.value === when.value; })) when.value = options[0].value;
        var select = document.getElementById("c" + entry.c.key + "-when_value");
        if (select) fillAnswers(select, trigger, when.value);
      });
      tools.root.querySelectorAll('option[data-trigger="' + trigger.key + '"]').forEach(function (option) {
        option.textContent = label;
      });
    }

    // Edits of the two condition selects; true when the edit was one of them.
    function editCondition(c, name, value) {
      if (name === "when_key") {
        // Browsers send both "input" and "change": keep the answer when the trigger is the same.
        if (String(c.shown_when ? c.shown_when.key : "") === value) return true;
        var trigger = value ? find(tools.sections(), parseInt(value, 10)) : null;
        c.shown_when = trigger ? { key: trigger.key, value: valueOptions(trigger)[0].value } : null;
        fillAnswers(document.getElementById("c" + c.key + "-when_value"), trigger, c.shown_when ? c.shown_when.value : "");
        return true;
      }
      if (name === "when_value") {
        if (c.shown_when) c.shown_when.value = value;
        return true;
      }
      return false;
    }

    function conditionPayload(c, position) {
      var when = c.shown_when;
      if (!when || position[when.key] === undefined) return null;
      return { criterion: position[when.key], value: parseInt(when.value, 10) };
    }

    // --- root causes ----------------------------------------------------------------------------

    var causesEl = document.getElementById("causes");
    var nextKey = 1;
    var causes = (tools.causes || []).map(function (c) {
      return { key: nextKey++, text: c.text || "", agent_controllable: c.agent_controllable !== false };
    });

    function renderCauses() {
      causesEl.textContent = "";
      if (!causes.length) {
        causesEl.appendChild(el("li", { class: "sc-muted", text: T.noCauses }));
        return;
      }
      causes.forEach(function (cause, i) {
        var rid = "rc" + cause.key;
        var input = el("input", { type: "text", maxlength: "160", id: rid + "-text", "data-field": "text", value: cause.text });
        causesEl.appendChild(
          el("li", { class: "sc-cause", id: rid, "data-rkey": cause.key, tabindex: "-1" }, [
            el("span", { class: "sc-num", text: fmt(T.cause, { n: i + 1 }) }),
            el("div", { class: "sc-field" }, [el("label", { for: input.id, text: T.causeText }), input]),
            tools.checkbox(rid + "-agent_controllable", T.agentControllable, cause.agent_controllable, "agent_controllable"),
            el("button", {
              type: "button",
              class: "sc-tool",
              "data-action": "cause-remove",
              "aria-label": fmt(T.removeCause, { t: tools.titleOf(cause.text) }),
              text: "✕ " + T.remove,
            }),
          ])
        );
      });
    }

    function causeAt(node) {
      var li = node.closest("[data-rkey]");
      if (!li) return -1;
      return causes.findIndex(function (c) {
        return String(c.key) === li.getAttribute("data-rkey");
      });
    }

    function onCauseEdit(event) {
      var name = event.target.getAttribute("data-field");
      var i = causeAt(event.target);
      if (!name || i < 0) return;
      var value = event.target.type === "checkbox" ? event.target.checked : event.target.value;
      if (causes[i][name] === value) return;
      causes[i][name] = value;
      if (name === "text") {
        var button = event.target.closest(".sc-cause").querySelector('[data-action="cause-remove"]');
        button.setAttribute("aria-label", fmt(T.removeCause, { t: tools.titleOf(value) }));
      }
      tools.edited(event.target.id);
    }

    function onCauseClick(event) {
      var button = event.target.closest('button[data-action="cause-remove"]');
      if (!button) return;
      var i = causeAt(button);
      causes.splice(i, 1);
      tools.changed();
      tools.render();
      tools.announce(T.removed);
      var next = causes[Math.min(i, causes.length - 1)];
      document.getElementById(next ? "rc" + next.key + "-text" : "add-cause").focus();
    }

    function addCause() {
      var cause = { key: nextKey++, text: "", agent_controllable: true };
      causes.push(cause);
      tools.changed();
      tools.render();
      tools.announce(T.added);
      document.getElementById("rc" + cause.key + "-text").focus();
    }

    causesEl.addEventListener("input", onCauseEdit);
    causesEl.addEventListener("change", onCauseEdit);
    causesEl.addEventListener("click", onCauseClick);
    document.getElementById("add-cause").addEventListener("click", addCause);

    return {
      flat: flat,
      resolve: resolve,
      fixConditions: fixConditions,
      conditionField: conditionField,
      editCondition: editCondition,
      triggerChanged: triggerChanged,
      conditionPayload: conditionPayload,
      renderCauses: renderCauses,
      causesPayload: function () {
        return causes.map(function (c) {
          return { text: c.text, agent_controllable: c.agent_controllable };
        });
      },
      causeKeys: function () {
        return causes.map(function (c) {
          return c.key;
        });
      },
    };
  };
})();
