/* The scoring screen (templates/scoring/score.html) and the dispute resolution form
 * (templates/scoring/resolve.html).
 *
 * - A running total computed with exactly the steps of scoring/formula.py, in exact fractions
 *   (BigInt numerators and denominators), rounded half up to one decimal as the server rounds.
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
  data.sections.forEach(function (s) {
    s.criteria.forEach(function (c) {
      c.section = s.id;
      criteria.push(c);
      criterionById[c.id] = c;
    });
  });

  // --- exact arithmetic: fractions of BigInts -------------------------------------------------

  function gcd(a, b) {
    if (a < 0n) a = -a;
    if (b < 0n) b = -b;
    while (b) {
      var t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
  function frac(n, d) {
    n = BigInt(n);
    d = d === undefined ? 1n : BigInt(d);
    var g = gcd(n, d) || 1n;
    return { n: n / g, d: d / g };
  }
  function add(x, y) { return frac(x.n * y.d + y.n * x.d, x.d * y.d); }
  function mul(x, y) { return frac(x.n * y.n, x.d * y.d); }
  function div(x, y) { return frac(x.n * y.d, x.d * y.n); }

  /* formula.round_half_up: tenths = x × 10; floor, plus one when the rest is at least ½. */
  function roundHalfUp(x) {
    var tenths = mul(x, frac(10));
    var q = tenths.n / tenths.d; // BigInt division truncates; x is never negative
    var rest = tenths.n - q * tenths.d;
    if (2n * rest >= tenths.d) q += 1n;
    return (q / 10n).toString() + "." + (q % 10n).toString();
  }
  function decimal(x) { return roundHalfUp(x); }

  /* formula.compute, returning the shape of serializers.explain (totals as strings). */
  function compute(answers) {
    var weighted = frac(0);
    var weightsCounted = 0;
    var weightsAll = 0;
    var failed = [];
    var unanswered = [];
    var sections = data.sections.map(function (s) {
      var earned = frac(0);
      var possible = frac(0);
      var na = [];
      var naPoints = 0;
      s.criteria.forEach(function (c) {
        var v = answers[c.id];
        if (v === null || v === undefined) {
          unanswered.push(c.id);
        } else if (v === "na") {
          na.push(c.id);
          naPoints += c.points;
        } else {
          var e = c.kind === "yes_no" ? frac(v ? c.points : 0) : frac(c.points * v, c.scaleMax);
          earned = add(earned, e);
          possible = add(possible, frac(c.points));
          if (c.critical && v === 0) failed.push(c.id);
        }
      });
      weightsAll += s.weight;
      var counted = possible.n > 0n;
      var ratio = counted ? div(earned, possible) : null;
      if (counted) {
        weightsCounted += s.weight;
        weighted = add(weighted, mul(frac(s.weight), ratio));
      }
      return {
        id: s.id,
        title: s.title,
        weight: s.weight,
        earned: decimal(earned),
        possible: decimal(possible),
        percent: counted ? roundHalfUp(mul(frac(100), ratio)) : null,
        counted: counted,
        na_criteria: na,
        na_points: naPoints
      };
    });
    var raw = weightsCounted ? roundHalfUp(div(mul(frac(100), weighted), frac(weightsCounted))) : null;
    var criticalFailed = failed.length > 0;
    var zeroed = criticalFailed && !!data.criticalZeroes && raw !== null;
    return {
      total: zeroed ? "0.0" : raw,
      raw_total: raw,
      critical_failed: criticalFailed,
      critical_zeroed: zeroed,
      failed_critical: failed,
      weights_counted: weightsCounted,
      weights_all: weightsAll,
      unanswered: unanswered,
      sections: sections
    };
  }

  // --- reading the controls -------------------------------------------------------------------

  function el(id) { return document.getElementById(id); }
  function commentBox(c) { return el("c-" + c.id + "-comment"); }
  function timeInput(c) { return el("c-" + c.id + "-time"); }
  function fieldset(c) { return el("crit-" + c.id); }

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

  // Criteria the server already holds a row for, or that the evaluator touched: only those are
  // sent, so an untouched criterion does not get an empty answer row.
  var touched = {};
  criteria.forEach(function (c) {
    if (valueOf(c) !== null || (commentBox(c) && commentBox(c).value) || timeOf(c) !== null) touched[c.id] = true;
  });

  function answersPayload() {
    return criteria
      .filter(function (c) { return touched[c.id]; })
      .map(function (c) {
        return {
          criterion: c.id,
          value: valueOf(c),
          comment: commentBox(c) ? commentBox(c).value : "",
          time_offset: timeOf(c)
        };
      });
  }

  // --- the running total panel ----------------------------------------------------------------

  var totalEl = el("total-value");
  var totalBox = el("running-total");
  var criticalEl = el("critical-alert");
  var progressEl = el("progress-line");

  function render(score) {
    if (totalEl) totalEl.textContent = score.total === null ? S.noTotal || "–" : qa.formatNumber(score.total, 1);
    if (totalBox) totalBox.classList.toggle("zeroed", !!score.critical_zeroed);
    score.sections.forEach(function (s) {
      var li = document.querySelector('#section-bars li[data-section="' + s.id + '"]');
      if (!li) return;
      var allNa = !s.counted && s.na_criteria.length > 0 &&
        data.sections.filter(function (x) { return x.id === s.id; })[0].criteria.every(function (c) {
          return s.na_criteria.indexOf(c.id) >= 0;
        });
      li.classList.toggle("dropped", !s.counted);
      li.querySelector(".pct").textContent = s.counted ? qa.formatNumber(s.percent, 1) + " %" : allNa ? S.dropped : "–";
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
      var total = criteria.length;
      progressEl.textContent = fmt(S.answered, { n: total - score.unanswered.length, total: total });
    }
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
    var score = compute(values);
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
    return Object.keys(body || {}).some(function (key) { return /^criterion\.\d+$/.test(key); });
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
      var m = /^criterion\.(\d+)$/.exec(key);
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
            var local = compute(sentValues);
            if (server.total !== local.total) {
              console.warn("scoring.js: the server's score " + server.total +
                " differs from the running total " + local.total + "; showing the server's.");
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
      var score = recompute();
      if (!score.unanswered.length) say(""); // "n criteria are not answered" no longer holds
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
      var missing = criteria.filter(function (c) { return values[c.id] === null; });
      criteria.forEach(clearCriterionError);
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
  window.qaScoring = { compute: compute, answers: answerMap, save: save };
})();
