/* The scoring formula of scoring/formula.py for the browser, in exact fractions (BigInt
 * numerators and denominators), rounded half up to one decimal as the server rounds. Pure: no
 * page access. static/js/scoring.js builds one per scorecard:
 *
 *   var f = window.qaFormula(data);   // data: the scorecard (templates' json_script)
 *   f.compute(answers, causes)        // the shape of scoring/serializers/score.explain
 *
 * Conditional criteria (shown in form order while their criterion has the chosen answer;
 * hidden ones count as N/A), section-fail criteria, bonus sections (on top, capped at 100 +
 * their weights, zeroed with the total), and the agent score (`agent_total`: lost criteria whose
 * root cause is outside the agent's control count as N/A). A browser test compares it with the
 * server's formula on random forms using every extension.
 */
(function () {
  "use strict";

  window.qaFormula = function (data) {
    var criteria = [];
    var rootCauseById = {};
    (data.rootCauses || []).forEach(function (rc) { rootCauseById[rc.id] = rc; });
    data.sections.forEach(function (s) {
      s.criteria.forEach(function (c) { criteria.push(c); });
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

    function less(x, y) { return x.n * y.d < y.n * x.d; } // denominators are positive

    function earnedOf(c, v) { return c.kind === "yes_no" ? frac(v ? c.points : 0) : frac(c.points * v, c.scaleMax); }
    function isLost(c, v) {
      return v !== null && v !== undefined && v !== "na" && less(earnedOf(c, v), frac(c.points));
    }

    /* formula.shown: in form order, a conditional criterion is shown while its (earlier, shown)
       criterion has the chosen answer. */
    function shownSet(answers) {
      var visible = {};
      criteria.forEach(function (c) {
        var when = c.shownWhen;
        var v = when ? answers[when.criterion] : null;
        if (!when || (visible[when.criterion] && v !== null && v !== undefined && v === when.value)) visible[c.id] = true;
      });
      return visible;
    }

    /* formula._compute: one score of `answers` with the criteria in `visible` shown. */
    function computeOne(answers, visible) {
      var weighted = frac(0);
      var bonus = frac(0);
      var weightsCounted = 0;
      var weightsAll = 0;
      var bonusWeights = 0;
      var failed = [];
      var unanswered = [];
      var hidden = [];
      var failedSections = [];
      var sections = data.sections.map(function (s) {
        var earned = frac(0);
        var possible = frac(0);
        var na = [];
        var naPoints = 0;
        var sHidden = [];
        var failedBy = [];
        s.criteria.forEach(function (c) {
          if (!visible[c.id]) {
            sHidden.push(c.id);
            hidden.push(c.id);
            naPoints += c.points;
            return;
          }
          var v = answers[c.id];
          if (v === null || v === undefined) {
            unanswered.push(c.id);
          } else if (v === "na") {
            na.push(c.id);
            naPoints += c.points;
          } else {
            earned = add(earned, earnedOf(c, v));
            possible = add(possible, frac(c.points));
            if (c.critical && v === 0) failed.push(c.id);
            if (c.sectionFail && v === 0) failedBy.push(c.id);
          }
        });
        var counted = possible.n > 0n;
        var ratio = counted ? (failedBy.length ? frac(0) : div(earned, possible)) : null;
        if (failedBy.length) failedSections.push(s.id);
        if (s.bonus) {
          bonusWeights += s.weight;
          if (counted) bonus = add(bonus, mul(frac(s.weight), ratio));
        } else {
          weightsAll += s.weight;
          if (counted) {
            weightsCounted += s.weight;
            weighted = add(weighted, mul(frac(s.weight), ratio));
          }
        }
        return {
          id: s.id,
          title: s.title,
          weight: s.weight,
          bonus: !!s.bonus,
          earned: decimal(earned),
          possible: decimal(possible),
          percent: counted ? roundHalfUp(mul(frac(100), ratio)) : null,
          counted: counted,
          na_criteria: na,
          na_points: naPoints,
          hidden: sHidden,
          failed_by: failedBy,
          excused: []
        };
      });
      var raw = null;
      if (weightsCounted) {
        var sum = add(div(mul(frac(100), weighted), frac(weightsCounted)), bonus);
        var cap = frac(100 + bonusWeights);
        raw = roundHalfUp(less(cap, sum) ? cap : sum);
      }
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
        hidden: hidden,
        failed_sections: failedSections,
        bonus_points: decimal(bonus),
        bonus_weights: bonusWeights,
        cap: 100 + bonusWeights,
        sections: sections
      };
    }

    /* formula.compute, returning the shape of serializers.explain (totals as strings): `answers`
       {criterion id: value | "na" | null}, `causes` {criterion id: root cause id | null}. A lost
       criterion whose cause is outside the agent's control counts as N/A in the agent score. */
    function compute(answers, causes) {
      causes = causes || {};
      var visible = shownSet(answers);
      var result = computeOne(answers, visible);
      var lost = {};
      var anyLost = false;
      criteria.forEach(function (c) {
        var cause = rootCauseById[causes[c.id]];
        if (cause && !cause.agentControllable && visible[c.id] && isLost(c, answers[c.id])) {
          lost[c.id] = true;
          anyLost = true;
        }
      });
      var agent = null;
      if (anyLost) {
        var agentAnswers = {};
        Object.keys(answers).forEach(function (id) { agentAnswers[id] = lost[id] ? "na" : answers[id]; });
        agent = computeOne(agentAnswers, visible);
        agent.sections.forEach(function (s) {
          s.excused = s.na_criteria.filter(function (id) { return lost[id]; });
        });
      }
      result.agent = agent;
      result.agent_total = (agent || result).total;
      result.excused = [];
      (agent || result).sections.forEach(function (s) { result.excused = result.excused.concat(s.excused); });
      return result;
    }

    return { compute: compute, shownSet: shownSet, isLost: isLost };
  };
})();
