/* The call page: each transcript line's time button plays the recording from there (seeking
 * through common.js's qa.playFrom, as the scoring and evaluation pages do). */
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll("button.seek").forEach(function (button) {
    button.addEventListener("click", function () {
      window.qa.playFrom(player, parseFloat(button.getAttribute("data-t")));
    });
  });
})();
