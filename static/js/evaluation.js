/* The evaluation page: "▶ m:ss" buttons play the recording from the time the evaluator marked. */
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll("button.seekto, button.seek").forEach(function (button) {
    button.addEventListener("click", function () {
      var t = parseFloat(button.getAttribute("data-t"));
      if (isNaN(t)) return;
      player.currentTime = t;
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stays paused there */ });
    });
  });
})();
