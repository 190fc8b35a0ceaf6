/* Scorecard builder: edits a draft ScorecardVersion and saves it with PUT to the API.
 *
 * No framework, no CDN. The draft's structure and the translated strings come from the page
 * (json_script). The state is a plain object; structural changes (add, remove, reorder)
 * re-render the section list and put the focus back where the keyboard user was; typing only
 * updates the state. Server errors are keyed by path ("sections.0.criteria.1.points"); they are
 * mapped to the items that were sent, so they stay next to the right input after a reorder.
 * Fetch with JSON and CSRF, and number formatting, come from common.js (`window.qa`, loaded
 * first by base.html); conditions and root causes from scorecard_builder_extras.js.
 */
(function () {
  "use strict";

  var root = document.getElementById("builder");
  if (!root) return;
  var structure = JSON.parse(document.getElementById("scorecard-structure").textContent);
  var config = JSON.parse(document.getElementById("builder-config").textContent);
  var T = config.text;
  var qa = window.qa;

  var sectionsEl = document.getElementById("sections");
  var weightEl = document.getElementById("weight-sum");
  var statusEl = document.getElementById("save-status");
  var announceEl = document.getElementById("announce");
  var summaryEl = document.getElementById("error-summary");
  var problemList = document.getElementById("problem-list");
  var saveBtn = document.getElementById("save");
  var publishBtn = document.getElementById("publish");
  var criticalZeroes = document.getElementById("v-critical_zeroes");
  var notes = document.getElementById("v-notes");

  var dom = window.qaBuilderDom;
  var fmt = dom.fmt;
  var el = dom.el;
  var field = dom.field;
  var checkbox = dom.checkbox;
  var select = dom.select;
  var toolButton = dom.toolButton;

  var nextKey = 1;
  function newCriterion(c) {
    c = c || {};
    return {
      key: nextKey++,
      text: c.text || "",
      guidance: c.guidance || "",
      kind: c.kind || "yes_no",
      scale_max: c.kind === "scale" ? String(c.scale_max) : "",
      points: c.points == null ? "" : String(c.points),
      category: c.category || "other",
      allow_na: !!c.allow_na,
      critical: !!c.critical,
      section_fail: !!c.section_fail,
      comment_on_loss: !!c.comment_on_loss,
      auto_source: c.auto_source || "",
      shown_when: null, // {key: the trigger's key, value: "1"}: set by extras.resolve
      loaded_when: c.shown_when || null,
    };
  }
  function newSection(s) {
    s = s || {};
    return {
      key: nextKey++,
      title: s.title || "",
      weight: s.weight == null ? "" : String(s.weight),
      bonus: !!s.bonus,
      criteria: (s.criteria || []).map(newCriterion),
    };
  }

  var state = { sections: structure.sections.map(newSection) };
  var extras = window.qaBuilderExtras({
    text: T,
    el: el,
    fmt: fmt,
    checkbox: checkbox,
    titleOf: titleOf,
    root: root,
    causes: structure.root_causes,
    sections: function () {
      return state.sections;
    },
    changed: changed,
    render: render,
    announce: announce,
    edited: function (id) {
      if (errors[id]) {
        delete errors[id];
        renderErrors();
      }
      changed();
    },
  });
  var loaded = {};
  extras.flat(state.sections).forEach(function (entry) {
    loaded[entry.c.key] = entry.c.loaded_when;
  });
  extras.resolve(state.sections, loaded);
  var noticeEl = document.getElementById("condition-notice");
  var errors = {}; // element id → [messages]
  var summary = []; // errors that belong to no input: {label, messages, target}
  var revision = 0;
  var savedRevision = 0;
  var busy = false;

  function titleOf(text) {
    return text.trim() || T.untitled;
  }

  // --- rendering --------------------------------------------------------------------------------

  function renderCriterion(section, c, j, count, order, pos) {
    var cid = "c" + c.key;
    var t = titleOf(c.text);
    var scale = c.kind === "scale";
    var k = el("input", { type: "number", min: "1", max: "10", step: "1", inputmode: "numeric", "data-field": "scale_max", value: c.scale_max, disabled: !scale });
    return el("li", { class: "sc-criterion", id: cid, "data-ckey": c.key, tabindex: "-1" }, [
      el("div", { class: "sc-head" }, [
        el("span", { class: "sc-num", text: fmt(T.criterion, { n: j + 1 }) }),
        el("span", { class: "sc-tools" }, [
          toolButton("crit-up", "↑ " + T.moveUp, fmt(T.moveCriterionUp, { t: t }), j === 0),
          toolButton("crit-down", "↓ " + T.moveDown, fmt(T.moveCriterionDown, { t: t }), j === count - 1),
          toolButton("crit-remove", "✕ " + T.remove, fmt(T.removeCriterion, { t: t })),
        ]),
      ]),
      el("div", { class: "sc-grid" }, [
        field(cid + "-text", T.text, el("input", { type: "text", maxlength: "255", "data-field": "text", value: c.text }), "sc-wide"),
        field(cid + "-kind", T.kind, select("kind", config.kinds, c.kind)),
        field(cid + "-scale_max", T.scaleMax, k, scale ? "" : "sc-off"),
        field(cid + "-points", T.points, el("input", { type: "number", min: "1", step: "1", inputmode: "numeric", "data-field": "points", value: c.points })),
        field(cid + "-category", T.category, select("category", config.categories, c.category)),
        el("div", { class: "sc-flags" }, [
          checkbox(cid + "-allow_na", T.allowNa, c.allow_na, "allow_na"),
          checkbox(cid + "-critical", T.critical, c.critical, "critical"),
          checkbox(cid + "-section_fail", T.sectionFail, c.section_fail, "section_fail"),
          checkbox(cid + "-comment_on_loss", T.commentOnLoss, c.comment_on_loss, "comment_on_loss"),
        ]),
        field(cid + "-auto_source", T.autoSource, select("auto_source", config.autoSources, c.auto_source)),
        pos > 0 ? extras.conditionField(c, cid, order, pos) : null,
        field(cid + "-guidance", T.guidance, el("textarea", { rows: "2", "data-field": "guidance", value: c.guidance }), "sc-wide"),
      ]),
    ]);
  }

  function renderSection(s, i, count, order) {
    var sid = "s" + s.key;
    var t = titleOf(s.title);
    var list = el("ol", { class: "sc-criteria" });
    var first = order.findIndex(function (entry) {
      return entry.si === i;
    });
    s.criteria.forEach(function (c, j) {
      list.appendChild(renderCriterion(s, c, j, s.criteria.length, order, first + j));
    });
    return el("fieldset", { class: "card sc-section" + (s.bonus ? " sc-bonus" : ""), id: sid, "data-skey": s.key, tabindex: "-1" }, [
      el("legend", { text: fmt(T.section, { n: i + 1 }) + (s.title.trim() ? " · " + s.title.trim() : "") }),
      el("div", { class: "sc-head" }, [
        el("div", { class: "sc-grid sc-section-fields" }, [
          field(sid + "-title", T.title, el("input", { type: "text", maxlength: "120", "data-field": "title", value: s.title })),
          field(sid + "-weight", T.weight, el("input", { type: "number", min: "1", max: "100", step: "1", inputmode: "numeric", "data-field": "weight", value: s.weight })),
          el("div", { class: "sc-flags" }, [checkbox(sid + "-bonus", T.bonus, s.bonus, "bonus")]),
        ]),
        el("span", { class: "sc-tools" }, [
          toolButton("section-up", "↑ " + T.moveUp, fmt(T.moveSectionUp, { t: t }), i === 0),
          toolButton("section-down", "↓ " + T.moveDown, fmt(T.moveSectionDown, { t: t }), i === count - 1),
          toolButton("section-remove", "✕ " + T.remove, fmt(T.removeSection, { t: t })),
        ]),
      ]),
      s.criteria.length ? list : el("p", { class: "sc-muted", text: T.noCriteria }),
      el("button", { type: "button", class: "sc-add", "data-action": "crit-add", "aria-label": fmt(T.addCriterionTo, { t: t }), text: "+ " + T.addCriterion }),
    ]);
  }

  function render() {
    sectionsEl.textContent = "";
    if (!state.sections.length) sectionsEl.appendChild(el("p", { class: "sc-muted", text: T.noSections }));
    var order = extras.flat(state.sections);
    state.sections.forEach(function (s, i) {
      sectionsEl.appendChild(renderSection(s, i, state.sections.length, order));
    });
    extras.renderCauses();
    renderWeight();
    renderErrors();
  }

  // The weights that share the 100 (bonus: false) or the bonus sections' (bonus: true).
  function weightOf(bonus) {
    return state.sections.reduce(function (sum, s) {
      var w = parseInt(s.weight, 10);
      return sum + (isNaN(w) || !!s.bonus !== bonus ? 0 : w);
    }, 0);
  }

  function renderWeight() {
    var total = weightOf(false);
    var bonus = weightOf(true);
    var ok = total === 100;
    var text = fmt(T.weightSum, { t: qa.formatNumber(total, 0) }) + " " + (ok ? T.weightOk : T.weightBad);
    if (bonus) text += " · " + fmt(T.bonusCap, { n: qa.formatNumber(bonus, 0) });
    weightEl.textContent = text;
    weightEl.className = "sc-weight-sum " + (ok ? "ok" : "bad");
  }

  // Conditions whose trigger was removed or now comes after them are dropped: say which.
  function fixConditions(removed) {
    var told = extras.fixConditions(state.sections, removed || {});
    noticeEl.textContent = "";
    noticeEl.hidden = !told.length;
    told.forEach(function (text) {
      noticeEl.appendChild(el("p", { text: text }));
    });
    return told;
  }

  function renderErrors() {
    dom.renderErrors(root, errors, summary, summaryEl, T.saveFailed);
  }

  function renderProblems(problems) {
    problemList.textContent = "";
    if (!problems.length) {
      problemList.appendChild(el("li", { class: "sc-ok", text: T.readyToPublish }));
      return;
    }
    problems.forEach(function (p) {
      problemList.appendChild(el("li", { class: "error", text: p }));
    });
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "sc-status" + (kind ? " " + kind : "");
  }

  var lastAnnounced = "";
  function announce(text) {
    lastAnnounced = text;
    announceEl.textContent = "";
    // A fresh text node each time, so screen readers repeat identical messages.
    window.setTimeout(function () {
      announceEl.textContent = text;
    }, 50);
  }

  function changed() {
    revision += 1;
    setStatus(T.unsaved, "warn");
  }

  // --- events -----------------------------------------------------------------------------------

  function locate(node) {
    var sNode = node.closest("[data-skey]");
    var cNode = node.closest("[data-ckey]");
    var si = -1;
    var ci = -1;
    if (sNode) {
      si = state.sections.findIndex(function (s) {
        return String(s.key) === sNode.getAttribute("data-skey");
      });
    }
    if (cNode && si >= 0) {
      ci = state.sections[si].criteria.findIndex(function (c) {
        return String(c.key) === cNode.getAttribute("data-ckey");
      });
    }
    return { si: si, ci: ci };
  }

  function onEdit(event) {
    var target = event.target;
    var name = target.getAttribute("data-field");
    if (!name) return;
    var at = locate(target);
    if (at.si < 0) return;
    var item = at.ci >= 0 ? state.sections[at.si].criteria[at.ci] : state.sections[at.si];
    var value = target.type === "checkbox" ? target.checked : target.value;
    // Browsers send both "input" and "change" for some controls: count a change once.
    if (at.ci >= 0 && extras.editCondition(item, name, value)) {
      delete errors["c" + item.key + "-shown_when"];
      renderErrors();
      changed();
      return;
    }
    if (item[name] === value) return;
    item[name] = value;
    if (name === "kind") {
      var k = document.getElementById("c" + item.key + "-scale_max");
      k.disabled = item.kind !== "scale";
      k.closest(".sc-field").classList.toggle("sc-off", k.disabled);
      if (!k.disabled && !k.value) {
        k.value = "4";
        item.scale_max = "4";
      }
    }
    if (at.ci >= 0 && (name === "kind" || name === "scale_max" || name === "text")) extras.triggerChanged(item);
    if (name === "weight" || name === "bonus") renderWeight();
    if (name === "bonus") target.closest(".sc-section").classList.toggle("sc-bonus", value);
    if (name === "title" && at.ci < 0) {
      var sectionNode = target.closest(".sc-section");
      sectionNode.querySelector("legend").textContent =
        fmt(T.section, { n: at.si + 1 }) + (item.title.trim() ? " · " + item.title.trim() : "");
      relabel(sectionNode, SECTION_LABELS, item.title);
    }
    if (name === "text" && at.ci >= 0) relabel(target.closest(".sc-criterion"), CRITERION_LABELS, item.text);
    if (errors[target.id]) {
      delete errors[target.id];
      renderErrors();
    }
    changed();
  }

  var SECTION_LABELS = {
    "section-up": T.moveSectionUp,
    "section-down": T.moveSectionDown,
    "section-remove": T.removeSection,
    "crit-add": T.addCriterionTo,
  };
  var CRITERION_LABELS = { "crit-up": T.moveCriterionUp, "crit-down": T.moveCriterionDown, "crit-remove": T.removeCriterion };

  // Keeps the buttons' accessible names ("Move section “Resolution” up") in step with the title.
  function relabel(node, labels, title) {
    Object.keys(labels).forEach(function (action) {
      var selector = '[data-action="' + action + '"]';
      var button = node.querySelector(":scope > .sc-head " + selector + ", :scope > " + selector);
      if (button) button.setAttribute("aria-label", fmt(labels[action], { t: titleOf(title) }));
    });
  }

  function move(list, from, to) {
    var item = list.splice(from, 1)[0];
    list.splice(to, 0, item);
  }

  function focusAfterRender(id, action, fallbackAction) {
    var container = document.getElementById(id);
    if (!container) return;
    var button = container.querySelector('[data-action="' + action + '"]');
    if (button && button.disabled && fallbackAction) button = container.querySelector('[data-action="' + fallbackAction + '"]');
    (button && !button.disabled ? button : container).focus();
  }

  function onClick(event) {
    var button = event.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    var action = button.getAttribute("data-action");
    var at = locate(button);
    if (at.si < 0) return;
    var sections = state.sections;
    var section = sections[at.si];
    var criteria = section.criteria;
    var focusId = null;
    var focusAction = null;
    var fallback = null;
    var focusInput = null;
    var removed = {}; // key → title of the criteria removed, for the conditions that named them
    switch (action) {
      case "section-up":
      case "section-down": {
        var to = at.si + (action === "section-up" ? -1 : 1);
        move(sections, at.si, to);
        focusId = "s" + section.key;
        focusAction = action;
        fallback = action === "section-up" ? "section-down" : "section-up";
        announce(fmt(T.moved, { n: to + 1 }));
        break;
      }
      case "section-remove":
        if (section.criteria.length && !window.confirm(fmt(T.confirmRemoveSection, { t: titleOf(section.title), n: section.criteria.length }))) return;
        section.criteria.forEach(function (gone) {
          removed[gone.key] = titleOf(gone.text);
        });
        sections.splice(at.si, 1);
        if (sections.length) {
          var nextSection = sections[Math.min(at.si, sections.length - 1)];
          focusId = "s" + nextSection.key;
          focusAction = "section-remove";
        } else {
          focusInput = "add-section";
        }
        announce(T.removed);
        break;
      case "crit-up":
      case "crit-down": {
        var c = criteria[at.ci];
        var cto = at.ci + (action === "crit-up" ? -1 : 1);
        move(criteria, at.ci, cto);
        focusId = "c" + c.key;
        focusAction = action;
        fallback = action === "crit-up" ? "crit-down" : "crit-up";
        announce(fmt(T.moved, { n: cto + 1 }));
        break;
      }
      case "crit-remove":
        removed[criteria[at.ci].key] = titleOf(criteria[at.ci].text);
        criteria.splice(at.ci, 1);
        if (criteria.length) {
          focusId = "c" + criteria[Math.min(at.ci, criteria.length - 1)].key;
          focusAction = "crit-remove";
        } else {
          focusId = "s" + section.key;
          focusAction = "crit-add";
        }
        announce(T.removed);
        break;
      case "crit-add": {
        var added = newCriterion();
        criteria.push(added);
        focusInput = "c" + added.key + "-text";
        announce(T.added);
        break;
      }
      default:
        return;
    }
    var told = fixConditions(removed);
    if (told.length) announce(lastAnnounced + " " + told.join(" "));
    changed();
    render();
    if (focusInput) document.getElementById(focusInput).focus();
    else if (focusId) focusAfterRender(focusId, focusAction, fallback);
  }

  function addSection() {
    var used = weightOf(false);
    var s = newSection({ weight: used < 100 ? 100 - used : null });
    s.criteria.push(newCriterion());
    state.sections.push(s);
    changed();
    render();
    announce(T.added);
    document.getElementById("s" + s.key + "-title").focus();
  }

  // --- saving -----------------------------------------------------------------------------------

  function number(value) {
    var text = String(value == null ? "" : value).trim();
    if (text === "") return null;
    return /^-?\d+$/.test(text) ? parseInt(text, 10) : text;
  }

  function payload() {
    var position = {};
    extras.flat(state.sections).forEach(function (entry, i) {
      position[entry.c.key] = i;
    });
    return {
      critical_zeroes: criticalZeroes.checked,
      notes: notes.value,
      root_causes: extras.causesPayload(),
      sections: state.sections.map(function (s) {
        return {
          title: s.title,
          weight: number(s.weight),
          bonus: s.bonus,
          criteria: s.criteria.map(function (c) {
            return {
              text: c.text,
              guidance: c.guidance,
              kind: c.kind,
              scale_max: c.kind === "scale" ? number(c.scale_max) : 1,
              points: number(c.points),
              category: c.category,
              allow_na: c.allow_na,
              critical: c.critical,
              section_fail: c.section_fail,
              comment_on_loss: c.comment_on_loss,
              auto_source: c.auto_source,
              shown_when: extras.conditionPayload(c, position),
            };
          }),
        };
      }),
    };
  }

  // Maps a server path to the id of the element that shows it, for the items that were sent.
  function idForPath(path, sent, causes) {
    var r = /^root_causes(?:\.(\d+)(?:\.(\w+))?)?$/.exec(path);
    if (r) {
      if (r[1] == null) return "causes";
      var rkey = causes[parseInt(r[1], 10)];
      return rkey == null ? null : "rc" + rkey + (r[2] ? "-" + r[2] : "");
    }
    var m = /^sections\.(\d+)(?:\.criteria\.(\d+))?(?:\.(\w+))?$/.exec(path);
    if (m) {
      var s = sent[parseInt(m[1], 10)];
      if (!s) return null;
      if (m[2] != null) {
        var ckey = s.criteria[parseInt(m[2], 10)];
        if (ckey == null) return null;
        return "c" + ckey + (m[3] ? "-" + m[3] : "");
      }
      return "s" + s.key + (m[3] ? "-" + m[3] : "");
    }
    if (path === "critical_zeroes" || path === "notes") return "v-" + path;
    return null;
  }

  function request(url, method, body) {
    return qa.fetchJSON(method, url, body).then(function (res) {
      return { status: res.status, data: res.body || {} };
    });
  }

  function setBusy(value) {
    busy = value;
    saveBtn.disabled = value;
    publishBtn.disabled = value;
  }

  function save() {
    if (busy) return Promise.resolve(false);
    setBusy(true);
    setStatus(T.saving);
    var sentRevision = revision;
    var sent = state.sections.map(function (s) {
      return { key: s.key, criteria: s.criteria.map(function (c) { return c.key; }) };
    });
    var sentCauses = extras.causeKeys();
    return request(config.apiUrl, "PUT", payload())
      .then(function (result) {
        errors = {};
        summary = [];
        if (result.status === 200) {
          savedRevision = sentRevision;
          setStatus(revision === sentRevision ? T.saved : T.unsaved, revision === sentRevision ? "ok" : "warn");
          renderErrors();
          renderProblems(result.data.publish_problems || []);
          return true;
        }
        if (result.status === 400) {
          Object.keys(result.data).forEach(function (path) {
            var messages = [].concat(result.data[path]);
            var id = idForPath(path, sent, sentCauses);
            if (id && document.getElementById(id)) errors[id] = messages;
            else summary.push({ label: path === "sections" || path === "non_field_errors" ? "" : path, messages: messages, target: null });
          });
          setStatus(T.saveFailed, "bad");
          renderErrors();
          var first = root.querySelector("[aria-invalid=true]");
          if (first) first.focus();
          else summaryEl.focus();
          return false;
        }
        setStatus(result.data.detail || T.networkError, "bad");
        return false;
      })
      .catch(function () {
        setStatus(T.networkError, "bad");
        return false;
      })
      .then(function (ok) {
        setBusy(false);
        return ok;
      });
  }

  function publish() {
    if (busy) return;
    var ready = revision === savedRevision ? Promise.resolve(true) : save();
    ready.then(function (ok) {
      if (!ok) return;
      setBusy(true);
      setStatus(T.publishing);
      request(config.publishUrl, "POST", null)
        .then(function (result) {
          if (result.status === 200) {
            window.location.assign(config.versionUrl);
            return;
          }
          setBusy(false);
          // 409 with the draft's problems ({detail, sections: [...]}): what stops publishing.
          if (result.status === 409 && result.data.sections) {
            var problems = result.data.sections;
            renderProblems(problems);
            setStatus(T.publishFailed + " " + problems.join(" "), "bad");
            document.getElementById("problems").scrollIntoView({ block: "nearest" });
          } else {
            setStatus(result.data.detail || T.networkError, "bad");
          }
        })
        .catch(function () {
          setBusy(false);
          setStatus(T.networkError, "bad");
        });
    });
  }

  sectionsEl.addEventListener("input", onEdit);
  sectionsEl.addEventListener("change", onEdit);
  sectionsEl.addEventListener("click", onClick);
  criticalZeroes.addEventListener("change", changed);
  notes.addEventListener("input", changed);
  document.getElementById("add-section").addEventListener("click", addSection);
  saveBtn.addEventListener("click", save);
  publishBtn.addEventListener("click", publish);
  summaryEl.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save();
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (revision !== savedRevision) {
      event.preventDefault();
      event.returnValue = T.leaveWarning;
    }
  });

  root.hidden = false;
  render();
  renderProblems(structure.publish_problems || []);
})();
