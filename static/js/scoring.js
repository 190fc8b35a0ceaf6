/* The scoring screen (templates/scoring/score.html) and the dispute resolution form
 * (templates/scoring/resolve.html).
 *
 * - A running total computed by static/js/scoring_formula.js (loaded first) with exactly the
 *   steps of scoring/formula.py, in exact fractions, rounded half up as the server rounds:
 *   conditional criteria (shown in form order while their criterion has the chosen answer;
 *   hidden ones count as N/A, their controls hidden and disabled), section-fail criteria, bonus
 *   sections (on top, capped at 100 + their weights), and two figures: the interaction score
 *   (`total`) and the agent score (`agent_total`: lost criteria whose root cause is outside the
 *   agent's control count as N/A). A lost answer offers its root cause (`c-<id>-cause`), sent
 *   with the answer; a criterion needing a comment on a loss marks it required.
 * - "score" mode: autosave through PATCH /api/v1/evaluations/<id>/answers/ (debounced after a
 *   change, at once when a comment loses focus); the server's score wins if it differs. Submit
 *   through POST /api/v1/evaluations/<id>/submit/, errors shown next to their criterion.
 * - "resolve" mode: the same controls and running total; the form posts to the page.
 * - "Mark time" stores the player's position into the answer; "▶ m:ss" seeks back to it.
 * Fetch with JSON and CSRF, number formatting and seeking the player come from common.js
 * (`window.qa`, loaded first by base.html); totals are computed as strings and formatted in the
 * page's language only when shown. No build step.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("scorecard-data");
  var form = document.getElementById("scoring-form");
  if (!dataEl || !form) return;
  var qa = window.qa;
  var data = JSON.parse(dataEl.textContent);
  var S = data.strings || {};
  var mode = data.mode || "score";
  var player = document.getElementById("player");
  var SAVE_DELAY = 800;

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_m, key) {
      return values && values[key] !== undefined && values[key] !== null ? String(values[key]) : "";
    });
  }

  function mmss(seconds) {
    var whole = Math.floor(Math.max(0, seconds || 0));
    var s = whole % 60;
    return Math.floor(whole / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  var criteria = [];
  var criterionById = {};
  var rootCauseById = {};
  (data.rootCauses || []).forEach(function (rc) { rootCauseById[rc.id] = rc; });
  data.sections.forEach(function (s) {
    s.criteria.forEach(function (c) {
      c.section = s.id;
      criteria.push(c);
      criterionById[c.id] = c;
    });
  });

  var formula = window.qaFormula(data);
  var compute = formula.compute;
  var shownSet = formula.shownSet;
  var isLost = formula.isLost;

  // --- reading the controls -------------------------------------------------------------------

  function el(id) { return document.getElementById(id); }
  function commentBox(c) { return el("c-" + c.id + "-comment"); }
  function timeInput(c) { return el("c-" + c.id + "-time"); }
  function fieldset(c) { return el("crit-" + c.id); }
  function causeSelect(c) { return el("c-" + c.id + "-cause"); }

  function valueOf(c) {
    var checked = form.querySelector('input[name="c-' + c.id + '"]:checked');
    if (!checked) return null;
    return checked.value === "na" ? "na" : parseInt(checked.value, 10);
  }
  function timeOf(c) {
    var input = timeInput(c);
    return input && input.value !== "" ? parseFloat(input.value) : null;
  }
  function answerMap() {
    var map = {};
    criteria.forEach(function (c) { map[c.id] = valueOf(c); });
    return map;
  }
  function causeOf(c) {
    var select = causeSelect(c);
    return select && select.value !== "" ? parseInt(select.value, 10) : null;
  }
  function causeMap() {
    var map = {};
    criteria.forEach(function (c) { map[c.id] = causeOf(c); });
    return map;
  }
  /* Whether the criterion is shown and lost, for the answers in `values`. */
  function lostNow(c, values, visible) { return !!visible[c.id] && isLost(c, values[c.id]); }

  /* A conditional criterion its condition does not show: hidden, its controls disabled (so the
     resolve form does not post them), not "unanswered". A lost one offers its root cause and,
     when the criterion says so, marks its comment as required. */
  function applyVisibility(values) {
    var visible = shownSet(values);
    criteria.forEach(function (c) {
      var fs = fieldset(c);
      if (!fs) return;
      var shown = !!visible[c.id];
      fs.hidden = !shown;
      fs.disabled = !shown;
      var lost = lostNow(c, values, visible);
      var select = causeSelect(c);
      if (select) {
        select.disabled = !lost;
        select.closest(".root-cause").hidden = !lost;
      }
      if (c.commentOnLoss) {
        var mark = fs.querySelector(".required-mark");
        if (mark) mark.hidden = !lost;
        var box = commentBox(c);
        if (box) {
          if (lost) box.setAttribute("aria-required", "true");
          else box.removeAttribute("aria-required");
        }
      }
    });
    return visible;
  }

  // Criteria the server already holds a row for, or that the evaluator touched: only those are
  // sent, so an untouched criterion does not get an empty answer row.
  var touched = {};
  criteria.forEach(function (c) {
    if (valueOf(c) !== null || (commentBox(c) && commentBox(c).value) || timeOf(c) !== null) touched[c.id] = true;
  });

  /* A hidden criterion is sent unanswered (what it had is kept on the page should it show
     again); a root cause goes with a lost answer only. */
  function answersPayload() {
    var values = answerMap();
    var visible = shownSet(values);
    return criteria
      .filter(function (c) { return touched[c.id]; })
      .map(function (c) {
        return {
          criterion: c.id,
          value: visible[c.id] ? values[c.id] : null,
          comment: commentBox(c) ? commentBox(c).value : "",
          time_offset: timeOf(c),
          root_cause: lostNow(c, values, visible) ? causeOf(c) : null
        };
      });
  }

  // --- the running total panel ----------------------------------------------------------------

  var totalEl = el("total-value");
  var agentEl = el("agent-total-value");
  var notesEl = el("score-notes");
  var totalBox = el("running-total");
  var criticalEl = el("critical-alert");
  var progressEl = el("progress-line");

  function render(score) {
    if (totalEl) totalEl.textContent = score.total === null ? S.noTotal || "–" : qa.formatNumber(score.total, 1);
    if (agentEl) {
      agentEl.textContent = score.agent_total === null || score.agent_total === undefined
        ? S.noTotal || "–" : qa.formatNumber(score.agent_total, 1);
    }
    if (totalBox) totalBox.classList.toggle("zeroed", !!score.critical_zeroed);
    score.sections.forEach(function (s) {
      var li = document.querySelector('#section-bars li[data-section="' + s.id + '"]');
      if (!li) return;
      var allNa = !s.counted && s.na_criteria.length > 0 &&
        data.sections.filter(function (x) { return x.id === s.id; })[0].criteria.every(function (c) {
          return s.na_criteria.indexOf(c.id) >= 0;
        });
      var failed = s.failed_by && s.failed_by.length > 0;
      li.classList.toggle("dropped", !s.counted);
      li.classList.toggle("failed", failed);
      li.querySelector(".pct").textContent = failed ? S.sectionFailed
        : s.counted ? qa.formatNumber(s.percent, 1) + " %" : allNa ? S.dropped : "–";
      li.querySelector(".bar").value = s.counted ? Number(s.percent) : 0;
    });
    if (criticalEl) {
      if (score.critical_failed) {
        var names = score.failed_critical.map(function (id) { return "'" + criterionById[id].text + "'"; }).join(", ");
        criticalEl.textContent = fmt(S.criticalFailed, { items: names }) + " " +
          (score.critical_zeroed ? fmt(S.criticalZeroed, { raw: qa.formatNumber(score.raw_total, 1) }) : S.criticalFlagged);
        criticalEl.hidden = false;
      } else {
        criticalEl.hidden = true;
        criticalEl.textContent = "";
      }
    }
    if (progressEl) {
      var total = criteria.length - (score.hidden || []).length;
      progressEl.textContent = fmt(S.answered, { n: total - score.unanswered.length, total: total });
    }
    renderNotes(score);
  }

  function textOf(id) { return "'" + criterionById[id].text + "'"; }

  /* What the extensions did: hidden criteria, failed sections, the bonus, excused losses. */
  function renderNotes(score) {
    if (!notesEl) return;
    var notes = [];
    if (score.hidden && score.hidden.length) notes.push(fmt(S.hiddenNote, { n: score.hidden.length }));
    (score.sections || []).forEach(function (s) {
      if (s.failed_by && s.failed_by.length) {
        notes.push(fmt(S.failedNote, {
          section: s.title,
          criterion: s.failed_by.map(function (id) { return criterionById[id].text; }).join("', '")
        }));
      }
    });
    if (score.bonus_weights) {
      notes.push(score.critical_zeroed ? S.bonusZeroed : fmt(S.bonusNote, {
        points: qa.formatNumber(score.bonus_points, 1),
        cap: score.cap
      }));
    }
    if (score.excused && score.excused.length) {
      var causes = causeMap();
      notes.push(fmt(S.excusedNote, {
        items: score.excused.map(function (id) {
          var cause = rootCauseById[causes[id]];
          return textOf(id) + (cause ? " (" + cause.text + ")" : "");
        }).join(", ")
      }));
    }
    notesEl.textContent = "";
    notes.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      notesEl.appendChild(li);
    });
    notesEl.hidden = notes.length === 0;
  }

  // On the resolve form, mark the criteria whose answer differs from the evaluator's.
  var original = answerMap();
  function labelOf(c, value) {
    if (value === null) return "–";
    var label = form.querySelector('label[for="c-' + c.id + "-" + value + '"]');
    return label ? label.textContent : String(value);
  }
  function markChanges(values) {
    if (mode !== "resolve") return;
    criteria.forEach(function (c) {
      var fs = fieldset(c);
      var changed = values[c.id] !== original[c.id];
      var tag = fs.querySelector(".changed-tag");
      fs.classList.toggle("changed", changed);
      if (changed && !tag) {
        tag = document.createElement("span");
        tag.className = "tag info changed-tag";
        fs.querySelector("legend").appendChild(tag);
      }
      if (tag) {
        tag.textContent = changed ? fmt(S.changed, { was: labelOf(c, original[c.id]) }) : "";
        tag.hidden = !changed;
      }
    });
  }

  function recompute() {
    var values = answerMap();
    applyVisibility(values);
    var score = compute(values, causeMap());
    render(score);
    markChanges(values);
    return score;
  }

  // --- errors next to criteria ----------------------------------------------------------------

  function showCriterionError(id, messages) {
    var c = criterionById[id];
    if (!c) return false;
    var p = el("c-" + id + "-error");
    p.textContent = [].concat(messages).join(" ");
    p.hidden = false;
    fieldset(c).classList.add("invalid");
    return true;
  }
  function clearCriterionError(c) {
    var p = el("c-" + c.id + "-error");
    if (p) {
      p.hidden = true;
      p.textContent = "";
    }
    fieldset(c).classList.remove("invalid");
  }
  function focusCriterion(c) {
    var first = form.querySelector('input[name="c-' + c.id + '"]:checked') ||
      form.querySelector('input[name="c-' + c.id + '"]');
    fieldset(c).scrollIntoView({ block: "center" });
    if (first) first.focus({ preventScroll: true });
  }
  function namesCriteria(body) {
    return Object.keys(body || {}).some(function (key) { return /^criterion\.\d+(\.\w+)?$/.test(key); });
  }
  function withoutDetail(body) {
    var rest = {};
    Object.keys(body || {}).forEach(function (key) { if (key !== "detail") rest[key] = body[key]; });
    return rest;
  }
  /* Field errors from a 400: "criterion.<id>" next to the criterion; the rest as one message. */
  function showErrors(body) {
    var general = [];
    var first = null;
    Object.keys(body || {}).forEach(function (key) {
      var m = /^criterion\.(\d+)(?:\.\w+)?$/.exec(key); // also criterion.<id>.root_cause
      var messages = [].concat(body[key]);
      if (m && showCriterionError(m[1], messages)) {
        if (!first) first = criterionById[m[1]];
      } else {
        general.push(messages.join(" "));
      }
    });
    return { first: first, general: general.join(" ") };
  }

  // --- talking to the API ---------------------------------------------------------------------

  var api = qa.fetchJSON;
  function detailOf(res) {
    return (res.body && (res.body.detail || res.body.non_field_errors)) || String(res.status);
  }

  // --- autosave (score mode) ------------------------------------------------------------------

  var statusEl = el("save-status");
  var saveTimer = null;
  var inflight = null;
  var dirty = false;
  var retryTimer = null;
  var locked = false; // submitted, or the server refused the evaluation (409)

  function setStatus(text, kind) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "save-status" + (kind ? " " + kind : "");
  }
  /* The saved time as the server wrote it, in the center's time zone (TIME_ZONE) like the rest of
     the page, never converted to the browser's. Failing `saved_time`, the wall clock of the ISO
     `saved_at`, which the server writes with the center's offset. */
  function clock(body) {
    if (body && body.saved_time) return body.saved_time;
    var m = /T(\d\d:\d\d:\d\d)/.exec((body && body.saved_at) || "");
    return m ? m[1] : "";
  }

  function scheduleSave(delay) {
    if (mode !== "score" || locked) return;
    dirty = true;
    setStatus(S.unsaved, "");
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, delay === undefined ? SAVE_DELAY : delay);
  }

  function save() {
    clearTimeout(saveTimer);
    saveTimer = null;
    if (mode !== "score" || locked) return Promise.resolve();
    if (inflight) return inflight; // the running save re-saves when it ends (dirty stays set)
    if (!dirty) return Promise.resolve();
    dirty = false;
    var sentAnswers = answersPayload();
    var sentValues = answerMap();
    var sentCauses = causeMap();
    var summary = el("summary");
    var body = { answers: sentAnswers };
    if (summary) body.summary = summary.value;
    setStatus(S.saving, "");
    inflight = api("PATCH", data.urls.answers, body)
      .then(function (res) {
        if (res.ok && dirty) {
          setStatus(S.unsaved, ""); // a newer change is waiting for its own save
        } else if (res.ok) {
          var saved = fmt(S.saved, { time: clock(res.body) });
          setStatus(saved, "ok");
          if (res.body && res.body.score) {
            var server = res.body.score;
            var local = compute(sentValues, sentCauses);
            if (server.total !== local.total || server.agent_total !== local.agent_total) {
              console.warn("scoring.js: the server's score " + server.total + " / " + server.agent_total +
                " differs from the running total " + local.total + " / " + local.agent_total +
                "; showing the server's.");
              setStatus(saved + " · " + fmt(S.serverDiffers, {
                server: qa.formatNumber(server.total, 1),
                local: qa.formatNumber(local.total, 1)
              }), "ok");
            } else if (server.total !== null) {
              setStatus(saved + " · " + fmt(S.serverTotal, { total: qa.formatNumber(server.total, 1) }), "ok");
            }
            render(server);
          }
        } else if (res.status === 400) {
          var shown = showErrors(res.body);
          setStatus(fmt(S.saveFailed, { reason: shown.general || S.fixErrors }), "error");
        } else if (res.status === 403) {
          setStatus(fmt(S.saveFailed, { reason: S.forbidden }), "error");
        } else if (res.status === 409) {
          locked = true;
          setStatus(fmt(S.conflict, { reason: detailOf(res) }), "error");
        } else {
          dirty = true;
          setStatus(fmt(S.saveFailed, { reason: detailOf(res) }), "error");
        }
      })
      .catch(function () {
        dirty = true;
        setStatus(fmt(S.saveFailed, { reason: S.network }), "error");
        clearTimeout(retryTimer);
        retryTimer = setTimeout(function () { if (dirty) save(); }, 5000);
      })
      .then(function () {
        inflight = null;
        if (dirty && !saveTimer && !locked) scheduleSave(SAVE_DELAY);
      });
    return inflight;
  }

  // --- events on the controls -----------------------------------------------------------------

  function criterionOf(node) {
    var fs = node.closest && node.closest("fieldset.criterion");
    return fs ? criterionById[fs.getAttribute("data-criterion")] : null;
  }

  form.addEventListener("change", function (ev) {
    var c = criterionOf(ev.target);
    if (c && ev.target.type === "radio") {
      touched[c.id] = true;
      clearCriterionError(c);
      showAutoOutcome(ev.target);
      var score = recompute();
      if (!score.unanswered.length) say(""); // "n criteria are not answered" no longer holds
      scheduleSave();
    } else if (c && ev.target.tagName === "SELECT") {
      touched[c.id] = true; // a root cause: the agent score may change
      recompute();
      scheduleSave();
    }
  });
  form.addEventListener("input", function (ev) {
    var c = criterionOf(ev.target);
    if (ev.target.tagName === "TEXTAREA") {
      if (c) touched[c.id] = true;
      scheduleSave();
    }
  });
  form.addEventListener("focusout", function (ev) {
    if (ev.target.tagName === "TEXTAREA" && dirty) save();
  });

  function showMark(c, seconds) {
    var fs = fieldset(c);
    var input = timeInput(c);
    var seek = fs.querySelector(".seekto");
    var clear = fs.querySelector(".clear-time");
    if (seconds === null) {
      input.value = "";
      seek.hidden = true;
      clear.hidden = true;
      return;
    }
    input.value = seconds.toFixed(3);
    seek.setAttribute("data-t", String(seconds));
    seek.querySelector(".t").textContent = mmss(seconds);
    seek.setAttribute("aria-label", fmt(S.markedAt, { time: mmss(seconds) }));
    seek.hidden = false;
    clear.hidden = false;
  }

  function seekTo(seconds) { qa.playFrom(player, seconds); }

  // An auto-answered criterion says whether the answer now confirms or overrides the automatic one.
  function showAutoOutcome(radio) {
    var box = radio.closest("fieldset").querySelector(".auto-answer");
    if (!box) return;
    var confirms = radio.value === box.getAttribute("data-auto-value");
    box.classList.toggle("overridden", !confirms);
    box.querySelector(".auto-status").textContent = box.getAttribute(confirms ? "data-confirm-text" : "data-override-text");
  }

  form.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button");
    if (!button) return;
    var c = criterionOf(button);
    if (button.classList.contains("mark") && c) {
      if (!player) {
        setStatus(S.noPlayer, "error");
        return;
      }
      touched[c.id] = true;
      showMark(c, Math.round(player.currentTime * 1000) / 1000);
      scheduleSave();
    } else if (button.classList.contains("seekto")) {
      seekTo(parseFloat(button.getAttribute("data-t")));
    } else if (button.classList.contains("clear-time") && c) {
      showMark(c, null);
      fieldset(c).querySelector(".mark").focus();
      scheduleSave();
    }
  });

  // Transcript lines seek the player too (they sit inside the form on the scoring screen).
  document.querySelectorAll("button.seek").forEach(function (b) {
    b.addEventListener("click", function () { seekTo(parseFloat(b.getAttribute("data-t"))); });
  });

  // --- submit -----------------------------------------------------------------------------------

  var submitMessage = el("submit-message");
  var submitButton = el("submit-button");
  function say(text) {
    if (!submitMessage) return;
    submitMessage.textContent = text || "";
    submitMessage.hidden = !text;
  }

  if (mode === "score") {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      say("");
      var values = answerMap();
      var visible = shownSet(values);
      var missing = criteria.filter(function (c) { return visible[c.id] && values[c.id] === null; });
      criteria.forEach(clearCriterionError);
      var uncommented = criteria.filter(function (c) {
        var box = commentBox(c);
        return c.commentOnLoss && lostNow(c, values, visible) && !(box && box.value.trim());
      });
      if (!missing.length && uncommented.length) {
        uncommented.forEach(function (c) { showCriterionError(c.id, fmt(S.commentRequired, { criterion: c.text })); });
        say(fmt(S.submitFailed, { reason: fmt(S.commentRequired, { criterion: uncommented[0].text }) }));
        focusCriterion(uncommented[0]);
        commentBox(uncommented[0]).focus();
        return;
      }
      if (missing.length) {
        missing.forEach(function (c) { showCriterionError(c.id, fmt(S.notAnswered, { criterion: c.text })); });
        say(missing.length === 1
          ? fmt(S.notAnswered, { criterion: missing[0].text })
          : fmt(S.unansweredCount, { n: missing.length, criterion: missing[0].text }));
        focusCriterion(missing[0]);
        return;
      }
      clearTimeout(saveTimer);
      saveTimer = null;
      submitButton.disabled = true;
      setStatus(S.submitting, "");
      var deliver = el("deliver-feedback");
      var summary = el("summary");
      criteria.forEach(function (c) { touched[c.id] = true; });
      var body = { answers: answersPayload(), deliver_feedback: deliver ? deliver.checked : true };
      if (summary) body.summary = summary.value;
      Promise.resolve(inflight)
        .then(function () { return api("POST", data.urls.submit, body); })
        .then(function (res) {
          if (res.ok) {
            locked = true;
            dirty = false;
            window.location.assign(data.urls.detail);
            return;
          }
          submitButton.disabled = false;
          setStatus("", "");
          // 400: a refused answer; 409 naming criteria: the evaluation is not complete yet.
          if (res.status === 400 || (res.status === 409 && namesCriteria(res.body))) {
            var shown = showErrors(res.status === 409 ? withoutDetail(res.body) : res.body);
            say(fmt(S.submitFailed, { reason: shown.general || S.fixErrors }));
            if (shown.first) focusCriterion(shown.first);
          } else {
            if (res.status === 409) locked = true;
            say(fmt(S.submitFailed, { reason: res.status === 403 ? S.forbidden : detailOf(res) }));
          }
        })
        .catch(function () {
          submitButton.disabled = false;
          say(fmt(S.submitFailed, { reason: S.network }));
        });
    });

    window.addEventListener("beforeunload", function (ev) {
      if (!locked && (dirty || inflight)) {
        ev.preventDefault();
        ev.returnValue = S.leave;
        return S.leave;
      }
    });
  }

  recompute();
  window.qaScoring = { compute: compute, answers: answerMap, causes: causeMap, save: save };
})();
