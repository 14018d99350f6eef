// Comfort only: without this file every question is shown with its condition written beside it.
// Hides a question whose display condition ("only if you answered X to Y") is not met.
(function () {
  "use strict";
  var dependent = document.querySelectorAll("[data-si]");
  if (!dependent.length) { return; }
  // The answering form, or the preview's plain block of questions (a div: nothing is sent from it).
  var form = dependent[0].closest("form") || dependent[0].closest(".form");
  if (!form) { return; }
  function answered(name, value) {
    var inputs = form.querySelectorAll('[name="' + name + '"], [name="' + name + '[]"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      // An answer to a hidden question does not count (as on the server): conditions only test
      // earlier questions, so one pass in page order settles chains.
      if (input.closest("[hidden]")) { continue; }
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked && input.value === value : input.value === value) { return true; }
    }
    return false;
  }
  function update() {
    dependent.forEach(function (block) {
      var shown = answered(block.getAttribute("data-si"), block.getAttribute("data-egal"));
      block.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
