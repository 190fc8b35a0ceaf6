/* The evaluation page: "▶ m:ss" buttons play the recording from the time the evaluator marked
 * (seeking through common.js's qa.playFrom, as the scoring screen does). */
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll("button.seekto, button.seek").forEach(function (button) {
    button.addEventListener("click", function () {
      window.qa.playFrom(player, parseFloat(button.getAttribute("data-t")));
    });
  });
})();
